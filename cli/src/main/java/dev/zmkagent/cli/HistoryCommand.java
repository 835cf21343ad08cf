package dev.zmkagent.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.zmkagent.agent.store.CaptureStore;
import dev.zmkagent.agent.store.History;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "history",
        header = "Stored captures grouped by crash signature.",
        description = "The stored captures grouped by crash signature: how often, first and last seen, boards and firmware.",
        mixinStandardHelpOptions = true)
final class HistoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the groups as JSON (schema zmk-agent.history/1).")
    boolean json;

    @Mixin
    DataDirOption data = new DataDirOption();

    @Override
    public Integer call() throws Exception {
        CaptureStore.Listing listing = data.existingStore().listing();
        DataDirOption.warnDamaged(listing, spec.commandLine().getErr());
        List<History.Group> groups = History.group(listing.captures());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Object> list = new ArrayList<>();
            for (History.Group g : groups) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("signature", g.signature());
                m.put("headline", g.headline());
                m.put("count", g.count());
                m.put("first_seen", g.firstSeen().toString());
                m.put("last_seen", g.lastSeen().toString());
                m.put("boards", g.boards());
                m.put("firmware", g.firmware());
                m.put("captures", g.captures());
                list.add(m);
            }
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("schema", "zmk-agent.history/1");
            root.put("captures", data.store().dir().toString());
            root.put("groups", list);
            if (!listing.damaged().isEmpty()) {
                root.put("damaged", listing.damaged().stream().map(d -> Map.of("dir", d.dir().toString(), "problem", d.problem())).toList());
            }
            out.println(JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(root));
        } else if (groups.isEmpty()) {
            out.println("No captures yet in " + data.store().dir() + ". Run 'zmk-agent watch' (or 'zmk-agent capture' with the keyboard in bootloader mode).");
        } else {
            for (History.Group g : groups) {
                out.printf("%s  %dx  %s%n", g.signature(), g.count(), g.headline());
                out.printf("    first %s, last %s%n", g.firstSeen(), g.lastSeen());
                out.printf("    boards: %s; firmware: %s%n", String.join(", ", g.boards()), String.join(", ", g.firmware()));
                out.printf("    latest capture: %s%n", g.captures().get(g.captures().size() - 1));
            }
        }
        out.flush();
        return 0;
    }
}
