package seng.bench.jmh;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.concurrent.TimeUnit;

import javax.crypto.KeyAgreement;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The public-key operations of one handshake, on the JDK's SunEC provider and on Bouncy Castle's
 * provider with keys converted to its own classes, which is how the server's crypto backend runs
 * them: ECDSA signing and verification on P-256 and P-384, and X25519 key agreement. Verification
 * runs with a key object that has verified before, as the server's key cache provides, and with a
 * key decoded from its encoding for each signature, as a peer certificate seen for the first time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class CurveBenchmark {
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    @Param({"sunec", "bc"})
    public String provider;

    @Param({"secp256r1", "secp384r1"})
    public String curve;

    private final byte[] message = new byte[128];
    private Signature signer;
    private Signature verifier;
    private PrivateKey privateKey;
    private PublicKey publicKey;
    private KeyFactory keyFactory;
    private byte[] publicKeyEncoding;
    private byte[] signature;
    private KeyAgreement agreement;
    private KeyPair ours;
    private KeyPair theirs;

    @Setup
    public void keys() throws Exception {
        boolean bouncyCastle = provider.equals("bc");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        KeyPair keyPair = generator.generateKeyPair();
        KeyFactory converter = KeyFactory.getInstance("EC", BOUNCY_CASTLE);
        privateKey = bouncyCastle ? (PrivateKey) converter.translateKey(keyPair.getPrivate()) : keyPair.getPrivate();
        publicKey = bouncyCastle ? (PublicKey) converter.translateKey(keyPair.getPublic()) : keyPair.getPublic();
        keyFactory = bouncyCastle ? converter : KeyFactory.getInstance("EC");
        publicKeyEncoding = keyPair.getPublic().getEncoded();

        String algorithm = curve.equals("secp256r1") ? "SHA256withECDSA" : "SHA384withECDSA";
        signer = bouncyCastle ? Signature.getInstance(algorithm, BOUNCY_CASTLE) : Signature.getInstance(algorithm);
        verifier = bouncyCastle ? Signature.getInstance(algorithm, BOUNCY_CASTLE) : Signature.getInstance(algorithm);
        signature = sign();

        KeyPairGenerator x25519 = bouncyCastle ? KeyPairGenerator.getInstance("X25519", BOUNCY_CASTLE)
                : KeyPairGenerator.getInstance("X25519");
        ours = x25519.generateKeyPair();
        theirs = x25519.generateKeyPair();
        agreement = bouncyCastle ? KeyAgreement.getInstance("X25519", BOUNCY_CASTLE) : KeyAgreement.getInstance("X25519");
    }

    @Benchmark
    public byte[] sign() throws Exception {
        signer.initSign(privateKey);
        signer.update(message);
        return signer.sign();
    }

    @Benchmark
    public boolean verify() throws Exception {
        verifier.initVerify(publicKey);
        verifier.update(message);
        return verifier.verify(signature);
    }

    @Benchmark
    public boolean verifyWithNewKey() throws Exception {
        verifier.initVerify(keyFactory.generatePublic(new X509EncodedKeySpec(publicKeyEncoding)));
        verifier.update(message);
        return verifier.verify(signature);
    }

    /** X25519 does not depend on the curve parameter; it runs once per provider and curve value alike. */
    @Benchmark
    public byte[] x25519Agreement() throws Exception {
        agreement.init(ours.getPrivate());
        agreement.doPhase(theirs.getPublic(), true);
        return agreement.generateSecret();
    }
}
