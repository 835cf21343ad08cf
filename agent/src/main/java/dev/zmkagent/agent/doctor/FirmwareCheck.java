package dev.zmkagent.agent.doctor;

import dev.zmkagent.agent.registry.FirmwareRegistry;
import dev.zmkagent.agent.registry.RegisteredFirmware;
import java.io.IOException;
import java.util.List;

/**
 * Firmware registered: a capture is matched to a registered build's zmk.elf to name functions and lines; with none,
 * captures are stored but reported without symbols until `reanalyze --elf`.
 */
public final class FirmwareCheck implements DesktopCheck {
    static final String FIX = "zmk-agent firmware add zmk.elf zmk.uf2 (or the zmk_debug CI artifact .zip), once per build you flash";

    @Override
    public List<Finding> check(Machine m) {
        FirmwareRegistry registry = new FirmwareRegistry(m.dataDir().resolve("firmware"));
        List<RegisteredFirmware> list;
        try {
            list = registry.list();
        } catch (IOException | RuntimeException e) {
            return List.of(Finding.advisory("firmware", "firmware", "the registry in " + registry.dir() + " cannot be read: " + e.getMessage(), FIX));
        }
        if (list.isEmpty()) {
            return List.of(Finding.advisory("firmware", "firmware", "no firmware registered: a capture is stored but its report names no functions",
                    FIX));
        }
        return List.of(Finding.ok("firmware", "firmware", list.size() + " build" + (list.size() == 1 ? "" : "s") + " registered in " + registry.dir()));
    }
}
