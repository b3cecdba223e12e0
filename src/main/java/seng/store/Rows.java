package seng.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import seng.ip.Ipv4Address;
import seng.ip.Ipv4Prefix;
import seng.pool.Subnet;

/**
 * Reads upstream's two tables and turns each row into a checked value, or into a {@link Problem}
 * that names the row and column. Every column is type-checked, because SQLite lets any column
 * hold any type: a MRENCLAVE typed as hex text, for example, would never match a quote.
 */
final class Rows {
    static final String SUBNETS = "enclave_subnets";
    static final String APPS = "apps";

    private static final String SELECT_SUBNETS = "SELECT id, subnet, submask, gateway FROM enclave_subnets";
    private static final String SELECT_APPS =
            "SELECT id, name, mr_enclave, mr_signer, host_subnet, host_submask, enc_subnet_id FROM apps";

    private Rows() {
    }

    /** Thrown for a row that cannot be used; carries the problem. */
    static final class InvalidRowException extends Exception {
        private final Problem problem;

        InvalidRowException(Problem problem) {
            super(problem.toString());
            this.problem = problem;
        }

        Problem problem() {
            return problem;
        }
    }

    /** Reads every row of both tables, lowest id first, and checks them one by one and against each other. */
    static AllowlistContents readAll(Connection connection) throws SQLException {
        List<Subnet> subnets = new ArrayList<>();
        Set<Long> subnetIds = new HashSet<>();
        List<AppRow> apps = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();

        try (PreparedStatement statement = connection.prepareStatement(SELECT_SUBNETS + " ORDER BY id");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                subnetIds.add(rows.getLong("id"));
                try {
                    subnets.add(subnet(rows));
                } catch (InvalidRowException e) {
                    problems.add(e.problem());
                }
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(SELECT_APPS + " ORDER BY id");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                try {
                    apps.add(app(rows));
                } catch (InvalidRowException e) {
                    problems.add(e.problem());
                }
            }
        }

        problems.addAll(overlaps(subnets));
        for (AppRow app : apps) {
            if (!subnetIds.contains((long) app.enclaveSubnetId())) {
                problems.add(new Problem(APPS, app.id(), "enc_subnet_id " + app.enclaveSubnetId()
                        + " names no row of enclave_subnets"));
            }
        }
        return new AllowlistContents(subnets, apps, problems);
    }

    /** Returns the apps rows with this MRENCLAVE, lowest id first. */
    static List<AppRow> appsWithMrEnclave(Connection connection, byte[] mrEnclave) throws SQLException, InvalidRowException {
        List<AppRow> apps = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(SELECT_APPS + " WHERE mr_enclave = ? ORDER BY id")) {
            statement.setBytes(1, mrEnclave);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    apps.add(app(rows));
                }
            }
        }
        return apps;
    }

    static Optional<Subnet> enclaveSubnet(Connection connection, int id) throws SQLException, InvalidRowException {
        try (PreparedStatement statement = connection.prepareStatement(SELECT_SUBNETS + " WHERE id = ?")) {
            statement.setInt(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(subnet(rows)) : Optional.empty();
            }
        }
    }

    static Subnet subnet(ResultSet rows) throws SQLException, InvalidRowException {
        long rowId = rows.getLong("id");
        Column column = new Column(SUBNETS, rowId);
        int id = column.id(rowId);
        int network = column.address("subnet", rows.getObject("subnet"));
        int prefixLength = column.prefixLength("submask", rows.getObject("submask"));
        Object gatewayValue = rows.getObject("gateway");
        if (gatewayValue == null) {
            throw column.invalid("gateway is NULL; set it to a host address inside "
                    + Ipv4Prefix.containing(network, prefixLength));
        }
        int gateway = column.address("gateway", gatewayValue);
        try {
            // Upstream's servers masked the subnet column, so a row that names a host inside the
            // subnetwork still means the whole subnetwork.
            return new Subnet(id, network & Ipv4Address.netmask(prefixLength), prefixLength, gateway);
        } catch (IllegalArgumentException e) {
            throw column.invalid(e.getMessage());
        }
    }

    static AppRow app(ResultSet rows) throws SQLException, InvalidRowException {
        long rowId = rows.getLong("id");
        Column column = new Column(APPS, rowId);
        int id = column.id(rowId);
        Object name = rows.getObject("name");
        if (!(name instanceof String text)) {
            throw column.invalid("name is " + typeName(name) + ", expected text");
        }
        byte[] mrEnclave = column.measurement("mr_enclave", rows.getObject("mr_enclave"));
        byte[] mrSigner = column.measurement("mr_signer", rows.getObject("mr_signer"));
        int hostAddress = column.address("host_subnet", rows.getObject("host_subnet"));
        int hostPrefixLength = column.prefixLength("host_submask", rows.getObject("host_submask"));
        int enclaveSubnetId = column.integerId("enc_subnet_id", rows.getObject("enc_subnet_id"));
        // Upstream's own demo rows store the host 127.0.0.1 with a /26 mask, so host bits are cleared.
        return new AppRow(id, text, mrEnclave, mrSigner, Ipv4Prefix.containing(hostAddress, hostPrefixLength),
                enclaveSubnetId);
    }

    /** Reports every subnetwork that overlaps one with a lower id. */
    private static List<Problem> overlaps(List<Subnet> subnets) {
        List<Problem> problems = new ArrayList<>();
        for (int later = 0; later < subnets.size(); later++) {
            for (int earlier = 0; earlier < later; earlier++) {
                Subnet subnet = subnets.get(later);
                Subnet other = subnets.get(earlier);
                if (subnet.overlaps(other)) {
                    problems.add(new Problem(SUBNETS, subnet.id(), "enclave subnetwork " + subnet + " overlaps "
                            + other + " of row " + other.id()));
                    break;
                }
            }
        }
        return problems;
    }

    private static String typeName(Object value) {
        return switch (value) {
            case null -> "NULL";
            case String text -> "the text '" + abbreviate(text) + "'";
            case byte[] bytes -> "a BLOB of " + bytes.length + " bytes";
            case Double real -> "the real number " + real;
            default -> "the integer " + value;
        };
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    /** The checks of one row's columns; each failure names the table, the row and the column. */
    private record Column(String table, long rowId) {

        InvalidRowException invalid(String message) {
            return new InvalidRowException(new Problem(table, rowId, message));
        }

        int id(long value) throws InvalidRowException {
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw invalid("id " + value + " is outside the 32-bit range this server supports");
            }
            return (int) value;
        }

        int integerId(String name, Object value) throws InvalidRowException {
            if (!(value instanceof Integer || value instanceof Long)) {
                throw invalid(name + " is " + typeName(value) + ", expected an integer row id");
            }
            long id = ((Number) value).longValue();
            if (id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) {
                throw invalid(name + " " + id + " is outside the 32-bit range this server supports");
            }
            return (int) id;
        }

        /** Decodes upstream's integer form of an address, see {@link StoredAddress}. */
        int address(String name, Object value) throws InvalidRowException {
            if (!(value instanceof Integer || value instanceof Long)) {
                throw invalid(name + " is " + typeName(value) + ", expected an integer holding the address bytes in"
                        + " little-endian order (192.168.28.0 is 0x001ca8c0)");
            }
            try {
                return StoredAddress.decode(((Number) value).longValue());
            } catch (IllegalArgumentException e) {
                throw invalid(name + " " + e.getMessage() + ", so it is no IPv4 address");
            }
        }

        int prefixLength(String name, Object value) throws InvalidRowException {
            int netmask = address(name, value);
            try {
                return Ipv4Address.prefixLength(netmask);
            } catch (IllegalArgumentException e) {
                throw invalid(name + " " + Ipv4Address.format(netmask) + " is not a netmask: its one bits are not contiguous");
            }
        }

        byte[] measurement(String name, Object value) throws InvalidRowException {
            if (value instanceof byte[] bytes && bytes.length == AppRow.MEASUREMENT_LENGTH) {
                return bytes;
            }
            if (value instanceof byte[] bytes) {
                throw invalid(name + " has " + bytes.length + (bytes.length == 1 ? " byte" : " bytes") + ", expected "
                        + AppRow.MEASUREMENT_LENGTH);
            }
            if (value instanceof String text && text.length() == 2 * AppRow.MEASUREMENT_LENGTH && isHex(text)) {
                throw invalid(name + " is the text '" + text + "', expected a 32-byte BLOB: write it as x'" + text + "'");
            }
            throw invalid(name + " is " + typeName(value) + ", expected a BLOB of " + AppRow.MEASUREMENT_LENGTH + " bytes");
        }

        private static boolean isHex(String text) {
            return text.chars().allMatch(HexFormat::isHexDigit);
        }
    }
}
