package seng.dtls;

import java.io.IOException;
import java.security.GeneralSecurityException;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipherImpl;

/**
 * AES-GCM for one direction of a DTLS connection on the JDK's Cipher, which uses the AES and
 * GHASH CPU intrinsics. Each record initialises the cipher with its own nonce; unlike Bouncy
 * Castle's generic wrapper this builds no AlgorithmParameters per record.
 */
final class AesGcmCipher implements TlsAEADCipherImpl {
    private final Cipher cipher;
    private final int keySize;
    private final int mode;
    private SecretKeySpec key;

    AesGcmCipher(int keySize, boolean isEncrypting) throws GeneralSecurityException {
        this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        this.keySize = keySize;
        this.mode = isEncrypting ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
    }

    @Override
    public void setKey(byte[] keyBytes, int offset, int length) {
        if (length != keySize) {
            throw new IllegalStateException("AES key of " + length + " bytes, expected " + keySize);
        }
        key = new SecretKeySpec(keyBytes, offset, length, "AES");
    }

    @Override
    public void init(byte[] nonce, int macSize) throws IOException {
        try {
            cipher.init(mode, key, new GCMParameterSpec(macSize * 8, nonce));
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.internal_error, e);
        }
    }

    @Override
    public int getOutputSize(int inputLength) {
        return cipher.getOutputSize(inputLength);
    }

    /**
     * Encrypts or decrypts one whole record. Any decryption failure, a bad tag or a record too
     * short to hold one, is reported as bad_record_mac, which DTLS drops silently: a forged record
     * must not end the connection.
     */
    @Override
    public int doFinal(byte[] additionalData, byte[] input, int inputOffset, int inputLength, byte[] output,
            int outputOffset) throws IOException {
        try {
            if (additionalData != null && additionalData.length > 0) {
                cipher.updateAAD(additionalData);
            }
            return cipher.doFinal(input, inputOffset, inputLength, output, outputOffset);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new TlsFatalAlert(mode == Cipher.DECRYPT_MODE ? AlertDescription.bad_record_mac
                    : AlertDescription.internal_error, e);
        }
    }
}
