package dev.parley.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of docs/architecture.md, checked on the compiled main classes: feature packages
 * form a DAG, nothing depends on the assembly, and AWS SDK types stay inside store and queue adapters.
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.parley");

    /** Store and queue adapters (by name) and the AWS wiring package may use the AWS SDK. */
    private static final DescribedPredicate<JavaClass> AWS_ADAPTER = new DescribedPredicate<>(
            "a store or queue adapter (*Store, *Outbox, *Leases, Sqs*, Dynamo*, S3*, Kms*) or in dev.parley.aws") {
        @Override
        public boolean test(JavaClass c) {
            String name = outermost(c).getSimpleName();
            return c.getPackageName().startsWith("dev.parley.aws")
                    || name.endsWith("Store") || name.endsWith("Outbox") || name.endsWith("Leases")
                    || name.startsWith("Sqs") || name.startsWith("Dynamo") || name.startsWith("S3")
                    || name.startsWith("Kms");
        }
    };

    @Test
    void feature_packages_form_a_directed_acyclic_graph() {
        slices().matching("dev.parley.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void nothing_depends_on_the_application_assembly() {
        noClasses().that().resideOutsideOfPackage("dev.parley.app..")
                .should().dependOnClassesThat().resideInAPackage("dev.parley.app..")
                .check(MAIN);
    }

    @Test
    void aws_sdk_types_stay_inside_store_and_queue_adapters() {
        noClasses().that(DescribedPredicate.not(AWS_ADAPTER))
                .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..")
                .check(MAIN);
    }

    @Test
    void stripe_types_stay_inside_the_billing_gateway() {
        noClasses().that().resideOutsideOfPackage("dev.parley.billing.stripe..")
                .should().dependOnClassesThat().resideInAPackage("com.stripe..")
                .check(MAIN);
    }

    private static JavaClass outermost(JavaClass c) {
        JavaClass current = c;
        while (current.getEnclosingClass().isPresent()) {
            current = current.getEnclosingClass().get();
        }
        return current;
    }
}
