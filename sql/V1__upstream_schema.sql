-- The allowlist schema of the upstream SENG server (seng_db_creator.sql), unchanged so that files
-- made by upstream's script and files made here are interchangeable. A file that already has these
-- two tables but no Flyway history is baselined at version 1 instead of running this script.
--
-- Addresses and netmasks are the four address bytes in network order read as a little-endian
-- 32-bit integer: 192.168.28.0 is stored as 0x001ca8c0. MRENCLAVE and MRSIGNER are 32-byte blobs.

CREATE TABLE enclave_subnets (
    id      INTEGER PRIMARY KEY,
    subnet  INTEGER NOT NULL,
    submask INTEGER NOT NULL,
    gateway INTEGER,
    UNIQUE (subnet, submask)
);

CREATE TABLE apps (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    mr_enclave    BLOB NOT NULL,
    mr_signer     BLOB NOT NULL,
    host_subnet   INTEGER NOT NULL,
    host_submask  INTEGER NOT NULL,
    enc_subnet_id INTEGER NOT NULL REFERENCES enclave_subnets,
    UNIQUE (mr_enclave, host_subnet, host_submask)
);
