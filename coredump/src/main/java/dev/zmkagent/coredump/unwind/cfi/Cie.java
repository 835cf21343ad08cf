package dev.zmkagent.coredump.unwind.cfi;

import dev.zmkagent.coredump.bytes.ByteView;

/**
 * A Common Information Entry from .debug_frame (versions 1, 3, 4) or .eh_frame (version 1, 'z' augmentations).
 *
 * @param offset                offset of the entry in its section
 * @param version               CIE version
 * @param augmentation          augmentation string ("" for plain .debug_frame)
 * @param addressSize           bytes in a target address (4 unless a version-4 CIE says otherwise)
 * @param codeAlignment         code alignment factor
 * @param dataAlignment         data alignment factor
 * @param returnAddressRegister register that holds the return address (14 = lr on ARM)
 * @param fdeEncoding           DW_EH_PE pointer encoding for FDE addresses (0 = absolute, as in .debug_frame)
 * @param hasAugmentationData   'z': FDEs carry an augmentation-data length to skip
 * @param signalFrame           'S': frames of this CIE are signal/exception frames
 * @param instructions          initial instructions
 */
public record Cie(long offset, int version, String augmentation, int addressSize, long codeAlignment, long dataAlignment,
                  int returnAddressRegister, int fdeEncoding, boolean hasAugmentationData, boolean signalFrame,
                  ByteView instructions) {
}
