package dev.zmkagent.agent.analyze;

/** The forms a dump can come in; recognised by content, never by file name. */
public enum InputKind {
    CURRENT_UF2("current-uf2", "CURRENT.UF2 from an Adafruit nRF52 bootloader"),
    UF2("uf2", "UF2 file"),
    RAW_FLASH("raw-flash", "raw flash image"),
    PARTITION("partition", "coredump partition image ('CD' header)"),
    ZE_STREAM("ze-stream", "bare Zephyr coredump stream ('ZE')"),
    CONSOLE_LOG("console-log", "console log with #CD: lines");

    private final String id;
    private final String description;

    InputKind(String id, String description) {
        this.id = id;
        this.description = description;
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }
}
