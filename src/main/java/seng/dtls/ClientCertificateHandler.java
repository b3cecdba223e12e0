package seng.dtls;

import java.net.InetSocketAddress;

/**
 * The server's decisions during one handshake. Both methods run on the handshake's thread and may
 * block; throwing {@link ClientRejectedException} ends the handshake with a fatal alert.
 *
 * @param <T> what the server learned about the client, handed from one step to the next
 */
public interface ClientCertificateHandler<T> {

    /**
     * Inspects the client's leaf certificate as soon as it arrives, before the client has proved
     * that it holds the private key. Must not allocate anything that needs releasing.
     */
    T inspect(byte[] leafCertificateDer, InetSocketAddress peer) throws ClientRejectedException;

    /**
     * Runs once the client has proved possession of the key and both Finished messages are
     * exchanged. A rejection here still reaches the client as a fatal alert. Whatever this
     * allocates is the caller's to release if the handshake fails afterwards.
     */
    void admit(T client, InetSocketAddress peer) throws ClientRejectedException;
}
