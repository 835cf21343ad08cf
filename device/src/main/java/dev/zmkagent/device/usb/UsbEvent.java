package dev.zmkagent.device.usb;

/** A device arrived or left. */
public record UsbEvent(Kind kind, UsbDevice device) {
    public enum Kind { ARRIVED, LEFT }
}
