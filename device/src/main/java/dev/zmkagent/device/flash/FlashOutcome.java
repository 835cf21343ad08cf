package dev.zmkagent.device.flash;

/**
 * How a UF2 copy ended.
 *
 * @param blocksWritten       blocks handed to the drive (all of them on success)
 * @param disconnectAfterLast the drive vanished during the final flush: expected, the bootloader resets on the last block
 * @param driveLeft           the drive went away afterwards, i.e. the bootloader accepted the image and started it
 */
public record FlashOutcome(int blocksWritten, int blocksTotal, boolean disconnectAfterLast, boolean driveLeft, String message) {
    public boolean success() {
        return blocksWritten == blocksTotal && driveLeft;
    }
}
