package dev.zmkagent.agent.doctor;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who runs doctor: the real uid, the primary gid and the supplementary groups from {@code /proc/self/status}
 * ("Uid:", "Gid:", "Groups:" lines, proc(5)), and the group names of {@code /etc/group}. Unknown (uid -1) where
 * there is no /proc (macOS); the permission checks then say nothing.
 */
public record UserIdentity(long uid, long gid, Set<Long> groups, Map<Long, String> groupNames) {
    public static UserIdentity read(Machine m) {
        long uid = -1;
        long gid = -1;
        Set<Long> groups = new LinkedHashSet<>();
        String status = m.read(m.path("/proc/self/status")).orElse("");
        for (String line : status.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2) {
                continue;
            }
            try {
                switch (f[0]) {
                    case "Uid:" -> uid = Long.parseLong(f[1]);
                    case "Gid:" -> gid = Long.parseLong(f[1]);
                    case "Groups:" -> {
                        for (int i = 1; i < f.length; i++) {
                            groups.add(Long.parseLong(f[i]));
                        }
                    }
                    default -> {
                    }
                }
            } catch (NumberFormatException e) {
                // a damaged line: leave that value unknown
            }
        }
        if (gid >= 0) {
            groups.add(gid);
        }
        Map<Long, String> names = new LinkedHashMap<>();
        for (String line : m.read(m.path("/etc/group")).orElse("").split("\n")) {
            String[] f = line.split(":", -1);
            if (f.length >= 3) {
                try {
                    names.put(Long.parseLong(f[2]), f[0]);
                } catch (NumberFormatException e) {
                    // not a group line
                }
            }
        }
        return new UserIdentity(uid, gid, Set.copyOf(groups), Map.copyOf(names));
    }

    public boolean known() {
        return uid >= 0;
    }

    public boolean inGroup(long g) {
        return groups.contains(g);
    }

    public String groupName(long g) {
        return groupNames.getOrDefault(g, Long.toString(g));
    }

    public Optional<Long> groupId(String name) {
        return groupNames.entrySet().stream().filter(e -> e.getValue().equals(name)).map(Map.Entry::getKey).findFirst();
    }
}
