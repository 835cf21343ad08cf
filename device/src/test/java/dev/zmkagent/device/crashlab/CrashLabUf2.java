package dev.zmkagent.device.crashlab;

import dev.zmkagent.coredump.crashlab.CrashLab;
import dev.zmkagent.device.uf2.CurrentUf2Renderer;
import java.util.List;
import java.util.Map;

/** Renders a crash-lab scenario's CURRENT.UF2 as the scenario's bootloader would serve it. */
public final class CrashLabUf2 {
    private CrashLabUf2() {
    }

    @SuppressWarnings("unchecked")
    public static byte[] currentUf2(CrashLab.Scenario s) {
        Map<String, Object> bl = s.bootloader();
        List<Object> window = (List<Object>) bl.get("current_uf2_window");
        long start = CrashLab.hex(window.get(0));
        long endInclusive = CrashLab.hex(window.get(1));
        return CurrentUf2Renderer.render(s.composeFlash(), start, endInclusive + 1, CrashLab.hex(bl.get("family_id")));
    }
}
