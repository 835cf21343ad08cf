package dev.zmkagent.agent.doctor;

import dev.zmkagent.agent.service.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Whether a user may read and write a file, computed the way the kernel does (acl(5)'s access check algorithm):
 * root may; the owner gets the owner bits; then a named-user ACL entry (masked); then the owning group and named-group
 * ACL entries (masked); else the other bits. Computed from the file's owner, group and mode and from
 * {@code getfacl -n} (run by the command runner), for the identity read from /proc, so tests can use fake roots.
 *
 * @param read     the user may read it
 * @param write    the user may write it
 * @param execute  the user may search it (a folder) or run it
 * @param grantedBy "owner", "group NAME", "ACL for uid N" / "ACL for group NAME", "others", or "nothing"
 */
public record NodeAccess(boolean read, boolean write, boolean execute, String grantedBy, long ownerUid, long groupGid, int mode) {
    public boolean readWrite() {
        return read && write;
    }

    public static Optional<NodeAccess> of(Path node, UserIdentity who, CommandRunner runner) {
        int mode;
        long owner;
        long group;
        try {
            mode = ((Number) Files.getAttribute(node, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue() & 07777;
            owner = ((Number) Files.getAttribute(node, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
            group = ((Number) Files.getAttribute(node, "unix:gid", LinkOption.NOFOLLOW_LINKS)).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
        if (who.uid() == 0) {
            return Optional.of(new NodeAccess(true, true, true, "root", owner, group, mode));
        }
        if (who.uid() == owner) {
            return Optional.of(bits(mode >> 6, "owner", owner, group, mode));
        }
        Acl acl = Acl.of(runner.run(List.of("getfacl", "-n", "-p", node.toString())));
        Integer named = acl.user(who.uid());
        if (named != null) {
            return Optional.of(bits(named & acl.mask(), "ACL for uid " + who.uid(), owner, group, mode));
        }
        boolean groupClass = false;
        int groupBits = 0;
        String by = null;
        if (who.inGroup(group)) {
            groupClass = true;
            // With an ACL the group bits of the mode are the mask; the owning group's own entry is what counts.
            groupBits = acl.present() ? acl.owningGroup() & acl.mask() : (mode >> 3) & 7;
            by = "group " + who.groupName(group);
        }
        for (var e : acl.groups().entrySet()) {
            int b = e.getValue() & acl.mask();
            if (who.inGroup(e.getKey())) {
                groupClass = true;
                if ((groupBits | b) != groupBits) {
                    groupBits |= b;
                    by = "ACL for group " + who.groupName(e.getKey());
                }
            }
        }
        if (groupClass) {
            return Optional.of(bits(groupBits, by, owner, group, mode));
        }
        return Optional.of(bits(mode, "others", owner, group, mode));
    }

    private static NodeAccess bits(int rwx, String by, long owner, long group, int mode) {
        boolean r = (rwx & 4) != 0;
        boolean w = (rwx & 2) != 0;
        boolean x = (rwx & 1) != 0;
        return new NodeAccess(r, w, x, r || w ? by : "nothing", owner, group, mode);
    }

    /** The entries of {@code getfacl -n} output that matter: named users and groups, the owning group, the mask. */
    record Acl(boolean present, java.util.Map<Long, Integer> users, java.util.Map<Long, Integer> groups, int owningGroup, int mask) {
        static Acl of(CommandRunner.Result r) {
            java.util.Map<Long, Integer> users = new java.util.LinkedHashMap<>();
            java.util.Map<Long, Integer> groups = new java.util.LinkedHashMap<>();
            int owning = 7;
            int mask = 7;
            boolean extended = false;
            if (r.ok()) {
                for (String line : r.output().split("\n")) {
                    String l = line.contains("#") ? line.substring(0, line.indexOf('#')).trim() : line.trim();
                    String[] f = l.split(":");
                    if (f.length != 3 || f[2].length() != 3) {
                        continue;
                    }
                    int bits = (f[2].charAt(0) == 'r' ? 4 : 0) | (f[2].charAt(1) == 'w' ? 2 : 0) | (f[2].charAt(2) == 'x' ? 1 : 0);
                    try {
                        switch (f[0]) {
                            case "user" -> {
                                if (!f[1].isEmpty()) {
                                    users.put(Long.parseLong(f[1]), bits);
                                    extended = true;
                                }
                            }
                            case "group" -> {
                                if (f[1].isEmpty()) {
                                    owning = bits;
                                } else {
                                    groups.put(Long.parseLong(f[1]), bits);
                                    extended = true;
                                }
                            }
                            case "mask" -> mask = bits;
                            default -> {
                            }
                        }
                    } catch (NumberFormatException e) {
                        // getfacl without -n: names, not ids; ignore the entry
                    }
                }
            }
            return new Acl(extended, users, groups, owning, mask);
        }

        Integer user(long uid) {
            return users.get(uid);
        }
    }
}
