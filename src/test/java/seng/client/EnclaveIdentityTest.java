package seng.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EnclaveIdentityTest {
    private static final String DEMO_ENCLAVE = "d0d8837438142d663ee2be21fe2f142ca3fe3d509e749f419cd20d8f673129e0";
    private static final String DEMO_SIGNER = "be7403a5952075531158572a50b7eb613821df2e18bf6c8b6e1d646dbf42d1a0";

    @Test
    void hexFactoryRoundTrips() {
        EnclaveIdentity identity = EnclaveIdentity.fromHex(DEMO_ENCLAVE, DEMO_SIGNER.toUpperCase(), 1, 2, true);

        assertThat(identity.mrEnclaveHex()).isEqualTo(DEMO_ENCLAVE);
        assertThat(identity.mrSignerHex()).isEqualTo(DEMO_SIGNER);
        assertThat(identity.isvProdId()).isEqualTo(1);
        assertThat(identity.isvSvn()).isEqualTo(2);
        assertThat(identity.debug()).isTrue();
    }

    @Test
    void randomIdentitiesDiffer() {
        EnclaveIdentity first = EnclaveIdentity.random();
        EnclaveIdentity second = EnclaveIdentity.random();

        assertThat(first).isNotEqualTo(second);
        assertThat(first.mrEnclave()).hasSize(32);
        assertThat(first.debug()).isFalse();
    }

    @Test
    void equalityComparesContent() {
        EnclaveIdentity identity = EnclaveIdentity.fromHex(DEMO_ENCLAVE, DEMO_SIGNER, 0, 0, false);

        assertThat(EnclaveIdentity.fromHex(DEMO_ENCLAVE, DEMO_SIGNER, 0, 0, false))
                .isEqualTo(identity).hasSameHashCodeAs(identity);
        assertThat(identity.withDebug(true)).isNotEqualTo(identity);
        assertThat(identity.withIsvSvn(3).isvSvn()).isEqualTo(3);
    }

    @Test
    void arraysAreCopied() {
        byte[] mrEnclave = new byte[32];
        EnclaveIdentity identity = new EnclaveIdentity(mrEnclave, new byte[32], 0, 0, false);

        mrEnclave[0] = 1;
        identity.mrEnclave()[1] = 1;

        assertThat(identity.mrEnclave()).containsOnly(0);
    }

    @Test
    void invalidValuesAreRejected() {
        assertThatThrownBy(() -> EnclaveIdentity.fromHex("abcd", DEMO_SIGNER, 0, 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MRENCLAVE");
        assertThatThrownBy(() -> EnclaveIdentity.fromHex(DEMO_ENCLAVE, "x".repeat(64), 0, 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MRSIGNER");
        assertThatThrownBy(() -> new EnclaveIdentity(new byte[31], new byte[32], 0, 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("31");
        assertThatThrownBy(() -> new EnclaveIdentity(new byte[32], new byte[32], 65536, 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65536");
        assertThatThrownBy(() -> new EnclaveIdentity(new byte[32], new byte[32], 0, -1, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ISV SVN");
    }
}
