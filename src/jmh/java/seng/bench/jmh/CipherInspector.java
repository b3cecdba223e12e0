package seng.bench.jmh;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;

import javax.crypto.Cipher;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * Finds the AES-GCM implementation behind an established Bouncy Castle DTLS connection by
 * following private fields of Bouncy Castle 1.84: DTLSTransport.recordLayer,
 * DTLSRecordLayer.writeEpoch, DTLSEpoch.cipher, TlsAEADCipher.encryptCipher, then the JCA
 * {@link Cipher} or the Bouncy Castle block cipher inside. Other versions may name them otherwise,
 * and then the description names the field that was not found.
 */
final class CipherInspector {
    private CipherInspector() {
    }

    static String describe(Object dtlsTransport) {
        try {
            Object recordLayer = field(dtlsTransport, "recordLayer");
            Object epoch = field(recordLayer, "writeEpoch");
            Object tlsCipher = field(epoch, "cipher");
            Object encrypt = field(tlsCipher, "encryptCipher");
            Object inner = field(encrypt, "cipher");
            if (inner instanceof Cipher cipher) {
                return tlsCipher.getClass().getSimpleName() + " > " + encrypt.getClass().getSimpleName()
                        + " > javax.crypto.Cipher " + cipher.getAlgorithm() + " from provider "
                        + cipher.getProvider().getName() + " " + cipher.getProvider().getVersionStr();
            }
            Object engine = inner.getClass().getMethod("getUnderlyingCipher").invoke(inner);
            return tlsCipher.getClass().getSimpleName() + " > " + encrypt.getClass().getSimpleName() + " > "
                    + inner.getClass().getName() + " over " + engine.getClass().getName();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "unknown (" + e + ")";
        }
    }

    /** Returns the HotSpot flags that decide whether AES and GHASH run on CPU instructions. */
    static String aesIntrinsics() {
        HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        StringBuilder flags = new StringBuilder();
        for (String flag : new String[]{"UseAES", "UseAESIntrinsics", "UseAESCTRIntrinsics", "UseGHASHIntrinsics", "UseAVX"}) {
            try {
                flags.append(flag).append('=').append(hotSpot.getVMOption(flag).getValue()).append(' ');
            } catch (IllegalArgumentException e) {
                flags.append(flag).append("=absent ");
            }
        }
        return flags.toString().trim();
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        for (Class<?> type = owner.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                return field.get(owner);
            } catch (NoSuchFieldException e) {
                // Look in the superclass.
            }
        }
        throw new NoSuchFieldException(owner.getClass().getName() + "." + name);
    }
}
