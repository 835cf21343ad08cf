package dev.zmkagent.device.boards;

import dev.zmkagent.coredump.bytes.FormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Maps the catalog's JSON objects to records, with messages that name the file and the field at fault. */
final class CatalogReader {
    private final String where;

    CatalogReader(String where) {
        this.where = where;
    }

    @SuppressWarnings("unchecked")
    Board board(Map<String, Object> m) {
        String id = string(m, "id");
        List<Board.UsbId> usb = new ArrayList<>();
        for (Object o : optionalList(m, "usb")) {
            Map<String, Object> u = (Map<String, Object>) o;
            usb.add(new Board.UsbId((int) hex(u.get("vid"), id + ".usb.vid"), (int) hex(u.get("pid"), id + ".usb.pid")));
        }
        List<Long> families = new ArrayList<>();
        for (Object o : optionalList(m, "familyIds")) {
            families.add(hex(o, id + ".familyIds"));
        }
        List<Board.Variant> variants = new ArrayList<>();
        for (Object o : optionalList(m, "variants")) {
            Map<String, Object> v = (Map<String, Object>) o;
            String name = string(v, "name");
            Map<String, Object> code = (Map<String, Object>) v.get("code");
            if (code == null) {
                throw new FormatException(where + ": variant " + id + "//" + name + " has no \"code\" range");
            }
            Optional<Board.Partition> cd = Optional.empty();
            Map<String, Object> c = (Map<String, Object>) v.get("coredump");
            if (c != null) {
                cd = Optional.of(new Board.Partition(hex(c.get("start"), name + ".coredump.start"), hex(c.get("size"), name + ".coredump.size")));
            }
            variants.add(new Board.Variant(name, hex(code.get("start"), name + ".code.start"), hex(code.get("size"), name + ".code.size"), cd));
        }
        Optional<Board.SettingsPartition> settings = Optional.empty();
        Map<String, Object> st = (Map<String, Object>) m.get("settings");
        if (st != null) {
            settings = Optional.of(new Board.SettingsPartition(hex(st.get("start"), id + ".settings.start"), hex(st.get("size"), id + ".settings.size"),
                    (int) hex(st.get("sectorSize"), id + ".settings.sectorSize")));
        }
        return new Board(id, string(m, "name"), usb, families, strings(m, "volumeLabels"), strings(m, "boardIds"),
                strings(m, "models"), (String) m.getOrDefault("softDevice", ""), hex(m.get("appStart"), id + ".appStart"), variants, settings);
    }

    BootloaderWindow window(Map<String, Object> m) {
        String versions = string(m, "versions");
        String[] parts = versions.split("-", 2);
        String from = parts[0].isBlank() ? null : parts[0].trim();
        String to = parts.length < 2 || parts[1].isBlank() ? null : parts[1].trim();
        return new BootloaderWindow(from, to, hex(m.get("start"), "window.start"), hex(m.get("end"), "window.end"), (String) m.getOrDefault("note", ""));
    }

    long hex(Object o, String field) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        if (o instanceof String s) {
            String t = s.trim().toLowerCase();
            try {
                return t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new FormatException(where + ": " + field + " is not a number: \"" + s + "\"");
            }
        }
        throw new FormatException(where + ": " + field + " is missing");
    }

    private String string(Map<String, Object> m, String key) {
        Object o = m.get(key);
        if (!(o instanceof String s)) {
            throw new FormatException(where + ": \"" + key + "\" is missing or not text");
        }
        return s;
    }

    List<?> list(Map<String, Object> m, String key) {
        Object o = m.get(key);
        if (!(o instanceof List<?> l)) {
            throw new FormatException(where + ": \"" + key + "\" is missing or not a list");
        }
        return l;
    }

    private List<?> optionalList(Map<String, Object> m, String key) {
        return m.get(key) == null ? List.of() : list(m, key);
    }

    private List<String> strings(Map<String, Object> m, String key) {
        List<String> out = new ArrayList<>();
        for (Object o : optionalList(m, key)) {
            out.add(String.valueOf(o));
        }
        return out;
    }
}
