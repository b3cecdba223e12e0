-- Views for operators who inspect the file with the sqlite3 shell: addresses as dotted quads and
-- measurements as hex. They only read upstream's tables, so upstream servers keep working on the file.
-- (value >> 8 * i) & 255 is byte i of the address, because the integers store the bytes little-endian;
-- this holds for the positive and for the negative (signed 32-bit) form of a stored value.

CREATE VIEW enclave_subnets_readable AS
SELECT id,
       (subnet & 255) || '.' || ((subnet >> 8) & 255) || '.' || ((subnet >> 16) & 255) || '.' || ((subnet >> 24) & 255)
           AS subnet,
       (submask & 255) || '.' || ((submask >> 8) & 255) || '.' || ((submask >> 16) & 255) || '.' || ((submask >> 24) & 255)
           AS netmask,
       (gateway & 255) || '.' || ((gateway >> 8) & 255) || '.' || ((gateway >> 16) & 255) || '.' || ((gateway >> 24) & 255)
           AS gateway
FROM enclave_subnets;

CREATE VIEW apps_readable AS
SELECT id,
       name,
       lower(hex(mr_enclave)) AS mr_enclave,
       lower(hex(mr_signer)) AS mr_signer,
       (host_subnet & 255) || '.' || ((host_subnet >> 8) & 255) || '.' || ((host_subnet >> 16) & 255) || '.'
           || ((host_subnet >> 24) & 255) AS host_subnet,
       (host_submask & 255) || '.' || ((host_submask >> 8) & 255) || '.' || ((host_submask >> 16) & 255) || '.'
           || ((host_submask >> 24) & 255) AS host_netmask,
       enc_subnet_id
FROM apps;
