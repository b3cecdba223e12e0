package seng.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;

/** Keeps the package boundaries of the design: each outside API is used by the one package that owns it. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        // Maven's test output folder is named test-classes wherever -Dbuild.dir puts it; the
        // predefined option only knows target/test-classes.
        classes = new ClassFileImporter()
                .withImportOption(location -> !location.contains("/test-classes/"))
                .importPackages("seng");
    }

    @Test
    void foreignFunctionApiStaysInGateway() {
        noClasses().that().resideOutsideOfPackage("seng.gateway..")
                .should().dependOnClassesThat().resideInAPackage("java.lang.foreign..")
                .check(classes);
    }

    @Test
    void jdbcStaysInStore() {
        noClasses().that().resideOutsideOfPackage("seng.store..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.flywaydb..", "org.sqlite..")
                .check(classes);
    }

    @Test
    void bouncyCastleTlsStaysInDtlsAndClient() {
        noClasses().that().resideOutsideOfPackages("seng.dtls..", "seng.client..", "seng.bench..")
                .should().dependOnClassesThat().resideInAPackage("org.bouncycastle.tls..")
                .check(classes);
    }

    @Test
    void corePackagesDoNotDependOnCommandLine() {
        noClasses().that().resideInAnyPackage("seng.server..", "seng.tunnel..", "seng.dtls..", "seng.pool..",
                        "seng.gateway..", "seng.attest..", "seng.store..", "seng.ip..")
                .should().dependOnClassesThat().resideInAnyPackage("seng.cli..", "seng.ops..", "seng.bench..")
                .check(classes);
    }

    @Test
    void dataPathDoesNotDependOnServerWiring() {
        noClasses().that().resideInAnyPackage("seng.tunnel..", "seng.dtls..", "seng.pool..", "seng.gateway..",
                        "seng.attest..", "seng.ip..")
                .should().dependOnClassesThat().resideInAPackage("seng.server..")
                .check(classes);
    }

    @Test
    void onlyCommandLinePrintsToConsole() {
        noClasses().that().resideOutsideOfPackages("seng.cli..", "seng.bench..")
                .should().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .check(classes);
    }
}
