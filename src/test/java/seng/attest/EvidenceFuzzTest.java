package seng.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import seng.client.EnclaveIdentity;
import seng.client.RaTlsCertificateBuilder;
import seng.client.RaTlsCredentials;
import seng.client.TestIasAuthority;

/**
 * Mutates good evidence at random, with fixed seeds so a failure can be replayed, and checks that
 * the verifier reports every outcome as a result or an {@link AttestationException}.
 */
class EvidenceFuzzTest {
    private static TestIasAuthority authority;
    private static EvidenceVerifier verifier;
    private static RaTlsCredentials good;
    private static byte[] goodJson;

    @BeforeAll
    static void createEvidence() throws Exception {
        authority = TestIasAuthority.generate();
        verifier = new EvidenceVerifier(TrustPolicy.builder(authority.rootCertificate()).build(), Clock.systemUTC());
        good = new RaTlsCertificateBuilder(authority, EnclaveIdentity.random()).build();
        goodJson = RaTlsEvidence.parse(good.certificateDer()).reportJson();
    }

    /** Returns a copy with 1 to 4 random bits flipped, a truncation, or an inserted random byte. */
    private static byte[] mutate(byte[] input, Random random) {
        int kind = random.nextInt(6);
        if (kind == 4) {
            return Arrays.copyOf(input, random.nextInt(input.length));
        }
        if (kind == 5) {
            int at = random.nextInt(input.length + 1);
            byte[] longer = new byte[input.length + 1];
            System.arraycopy(input, 0, longer, 0, at);
            longer[at] = (byte) random.nextInt(256);
            System.arraycopy(input, at, longer, at + 1, input.length - at);
            return longer;
        }
        byte[] mutated = input.clone();
        for (int flips = 0; flips <= kind; flips++) {
            int bit = random.nextInt(mutated.length * 8);
            mutated[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        return mutated;
    }

    private static void verifyExpectingOnlyAttestationException(byte[] certificate, String description) {
        try {
            verifier.verify(certificate);
        } catch (AttestationException e) {
            assertThat(e.reason()).isNotNull();
            assertThat(e.getMessage()).isNotBlank();
        } catch (RuntimeException e) {
            fail(description + " escaped as " + e, e);
        }
    }

    @Test
    void mutatedCertificateOnlyFailsAttestation() {
        Random random = new Random(20261204);
        byte[] certificate = good.certificateDer();

        for (int i = 0; i < 3000; i++) {
            verifyExpectingOnlyAttestationException(mutate(certificate, random), "certificate mutation " + i);
        }
    }

    @Test
    void mutatedSignedReportOnlyFailsAttestation() {
        Random random = new Random(1337);

        for (int i = 0; i < 300; i++) {
            RaTlsCredentials credentials = new RaTlsCertificateBuilder(authority, EnclaveIdentity.random())
                    .keyPair(good.keyPair())
                    .reportJson(mutate(goodJson, random))
                    .build();
            verifyExpectingOnlyAttestationException(credentials.certificateDer(), "signed report mutation " + i);
        }
    }

    @Test
    void mutatedRealReportsOnlyFailParsing() throws Exception {
        Random random = new Random(42);
        for (String folder : new String[] {"epid-configuration-needed", "epid-group-out-of-date",
                "epid-production-sw-hardening"}) {
            byte[] json = Files.readAllBytes(Path.of("test-resources/ias-real", folder, "report.json"));
            for (int i = 0; i < 2000; i++) {
                byte[] mutated = mutate(json, random);
                try {
                    SgxQuote.parse(IasReport.parse(mutated).isvEnclaveQuoteBody());
                } catch (AttestationException e) {
                    assertThat(e.reason()).isNotNull();
                } catch (RuntimeException e) {
                    fail(folder + " mutation " + i + " escaped as " + e, e);
                }
            }
        }
    }

    @Test
    void randomBytesOnlyFailAttestation() {
        Random random = new Random(7);

        for (int i = 0; i < 500; i++) {
            byte[] noise = new byte[random.nextInt(8192)];
            random.nextBytes(noise);
            if (noise.length > 0) {
                noise[0] = 0x30;
            }
            verifyExpectingOnlyAttestationException(noise, "random input " + i);
        }
    }
}
