package seng.server;

import java.net.InetAddress;

import seng.attest.Attestation;
import seng.pool.AddressPool;

/** Admits every correctly attested enclave into one subnetwork: the behaviour of a server without a database. */
public final class OpenAdmission implements AdmissionPolicy {
    private final AddressPool pool;

    public OpenAdmission(AddressPool pool) {
        this.pool = pool;
    }

    @Override
    public Admission admit(Attestation attestation, InetAddress host) {
        return new Admission(pool, null);
    }
}
