package dev.parley.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.aws.AwsConfig;
import dev.parley.aws.DynamoTables;
import dev.parley.config.ParleyConfig;
import dev.parley.connector.ConnectorConfig;
import dev.parley.config.ParleyConfig.Role;
import dev.parley.infra.Template.TemplateException;
import dev.parley.jobs.lambda.JobHandlers;
import dev.parley.common.Priority;
import dev.parley.queue.QueueAddress;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.parley.infra.Template.asList;
import static dev.parley.infra.Template.asMap;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checks template.yaml and infra/stages against the code, so the AWS deployment cannot drift from what the
 * code names and calls. Plain JUnit: the template is evaluated by {@link Template} for the defaults, each stage
 * file and each ShardCount, DatabaseMode and LambdaRuntime, and compared with {@link DynamoTables},
 * {@link QueueAddress} and {@link JobHandlers} built from each workload's own environment variables.
 *
 * <p>The IAM rule: a workload (a function, or a container of a task definition) must be granted every call its
 * roles' code makes (see {@link #needs}) on every table and queue its configuration names, and no DynamoDB or
 * SQS access to any other resource.
 */
class TemplateTest {

    private static final Path TEMPLATE = Path.of("template.yaml");
    private static final Path STAGES = Path.of("infra", "stages");

    /** Where the Lambda zips are built (the Maven profiles lambda-api and lambda-jobs). */
    private static final String API_CODE = "target/lambda/api/function.zip";
    private static final String JOBS_CODE = "target/lambda/jobs/function.zip";
    private static final String JVM_HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";

    /**
     * Tables declared before DynamoTables defines them: the shard leases, whose store arrives from the leases
     * branch. Once DynamoTables defines a table, the full comparison applies to it whatever this set says.
     */
    private static final Set<String> TABLES_AHEAD_OF_CODE = Set.of("leases");

    /** Below this a healthy entry could reach the DLQ: retries and takeovers each count a receive. */
    private static final int MIN_MAX_RECEIVE_COUNT = 100;

    /** Managed policies a function may carry: they grant logs and network interfaces, no data. */
    private static final Set<String> HARMLESS_MANAGED_POLICIES = Set.of("AWSLambdaBasicExecutionRole",
            "AWSLambdaVPCAccessExecutionRole");

    /** What the message store calls on the messages table (MessageStore); Query also on every index. */
    private static final List<String> MESSAGE_TABLE_CALLS = List.of("dynamodb:GetItem", "dynamodb:PutItem",
            "dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:BatchWriteItem");
    /** What IdempotencyStore calls on the idempotency table. */
    private static final List<String> IDEMPOTENCY_TABLE_CALLS = List.of("dynamodb:GetItem", "dynamodb:PutItem");
    /** What the events outbox calls: append (every role that changes a status), read (API listing, webhooks). */
    private static final List<String> EVENTS_APPEND_CALLS = List.of("dynamodb:PutItem");
    private static final List<String> EVENTS_READ_CALLS = List.of("dynamodb:PutItem", "dynamodb:Query");
    /** What the API calls on the inbound store: quote lookups and listings, chats, usage. */
    private static final List<String> INBOUND_READ_CALLS = List.of("dynamodb:GetItem", "dynamodb:Query");
    private static final List<String> CHATS_READ_CALLS = List.of("dynamodb:Query");
    private static final List<String> USAGE_READ_CALLS = List.of("dynamodb:GetItem");
    /** What the connector's InboundHandler calls: store the message, upsert the chat, count. */
    private static final List<String> INBOUND_WRITE_CALLS = List.of("dynamodb:PutItem");
    private static final List<String> UPSERT_CALLS = List.of("dynamodb:UpdateItem");
    /** What the API calls on the device commands table (ADR 0012): leave a command, read it and the QR code back. */
    private static final List<String> COMMANDS_API_CALLS = List.of("dynamodb:GetItem", "dynamodb:PutItem");
    /** What the connector calls on it: find pending commands, claim and answer them, offer and withdraw codes. */
    private static final List<String> COMMANDS_CONNECTOR_CALLS = List.of("dynamodb:Query", "dynamodb:UpdateItem",
            "dynamodb:PutItem", "dynamodb:DeleteItem");
    /** What DynamoSessionStore calls: check the table, read and write creds and keys, wipe a device's. */
    private static final List<String> SESSIONS_CALLS = List.of("dynamodb:DescribeTable", "dynamodb:GetItem",
            "dynamodb:PutItem", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem");
    /** What KmsDataKeys asks KMS: a data key once per stack, its unwrapping once per start. */
    private static final List<String> SESSIONS_KEY_CALLS = List.of("kms:GenerateDataKey", "kms:Decrypt");
    /** What a lease store needs at least: read a lease, take or renew it conditionally. */
    private static final List<String> LEASE_TABLE_CALLS = List.of("dynamodb:GetItem", "dynamodb:PutItem",
            "dynamodb:UpdateItem");
    /** What SqsOutboundQueue calls to enqueue (SendMessageBatch is authorized as SendMessage). */
    private static final List<String> QUEUE_SEND_CALLS = List.of("sqs:GetQueueUrl", "sqs:SendMessage");
    /** What the connector's pollers and lanes call: receive, delete, renew or shorten visibility, bounce. */
    private static final List<String> QUEUE_CONSUME_CALLS = List.of("sqs:GetQueueUrl", "sqs:ReceiveMessage",
            "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:SendMessage");

    /** What SqsOutboundQueue.redriveDeadLetters calls on a dead-letter queue (the batch delete is DeleteMessage). */
    private static final List<String> DEAD_LETTER_CALLS = List.of("sqs:GetQueueUrl", "sqs:ReceiveMessage",
            "sqs:DeleteMessage");

    private static Map<String, Object> raw;

    // ---------------------------------------------------------------------------------------------------------
    // References, parameters, rules
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void everyReferenceNamesAParameterResourceConditionOrMappingTheTemplateDeclares() {
        Template template = Template.of(raw(), Map.of());
        List<String> problems = new ArrayList<>();
        Names names = new Names(template.parameterNames(), template.resources().keySet(),
                template.section("Conditions").keySet(), template.section("Mappings").keySet());
        for (String section : List.of("Conditions", "Globals", "Resources", "Outputs")) {
            references(template.section(section), section, names, problems);
        }
        template.resources().forEach((id, body) -> {
            if (body.get("Condition") instanceof String condition && !names.conditions.contains(condition)) {
                problems.add("Resources/" + id + "/Condition: '" + condition + "' is not a declared condition");
            }
            Object dependsOn = body.get("DependsOn");
            for (Object target : dependsOn instanceof List<?> list ? list : dependsOn == null ? List.of() : List.of(dependsOn)) {
                if (!names.resources.contains(String.valueOf(target))) {
                    problems.add("Resources/" + id + "/DependsOn: '" + target + "' is not a declared resource");
                }
            }
        });
        template.section("Outputs").forEach((id, body) -> {
            if (asMap(body, id).get("Condition") instanceof String condition && !names.conditions.contains(condition)) {
                problems.add("Outputs/" + id + "/Condition: '" + condition + "' is not a declared condition");
            }
        });
        assertNoProblems("template.yaml refers to names it does not declare", problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void everyLiveResourceAndOutputResolves(Scenario scenario) {
        Template template = evaluate(scenario);
        List<String> problems = new ArrayList<>(template.parameterProblems());
        template.ruleFailures().forEach(rule -> problems.add("rule " + rule));
        attempt(problems, () -> template.resolve(template.section("Globals"), "Globals"));
        template.liveResources().forEach((id, body) -> attempt(problems, () -> template.resolve(body, "Resources/" + id)));
        template.section("Outputs").forEach((id, body) -> {
            Map<String, Object> output = asMap(body, "Outputs/" + id);
            if (!(output.get("Condition") instanceof String c) || template.condition(c)) {
                attempt(problems, () -> template.resolve(output.get("Value"), "Outputs/" + id + "/Value"));
            }
        });
        assertNoProblems("template.yaml does not deploy with " + scenario, problems);
    }

    @Test
    void stageFilesSetOnlyDeclaredParametersToAllowedValuesAndPassTheRules() throws IOException {
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.list(STAGES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                Template template = Template.of(raw(), stageParameters(file));
                template.parameterProblems().forEach(p -> problems.add(file + ": " + p));
                template.ruleFailures().forEach(r -> problems.add(file + ": rule " + r));
            }
        }
        assertNoProblems("stage files do not fit template.yaml", problems);
    }

    @Test
    void templateDefaultsAreTheCodeDefaults() {
        ParleyConfig defaults = config(Map.of());
        Map<String, Object> parameters = asMap(raw().get("Parameters"), "Parameters");
        List<String> problems = new ArrayList<>();
        expectDefault(parameters, "TablePrefix", aws(Map.of()).tablePrefix(), problems);
        expectDefault(parameters, "QueuePrefix", aws(Map.of()).queuePrefix(), problems);
        expectDefault(parameters, "ShardCount", Integer.toString(defaults.shards()), problems);
        assertNoProblems("template.yaml's defaults differ from ParleyConfig's", problems);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Functions and jobs
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void everyJobInTheCodeHasAScheduledFunctionAndEveryJobFunctionIsAJobOfTheCode() {
        Template template = Template.of(raw(), Map.of());
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> functionsByJob = new TreeMap<>();
        functions(template).forEach((id, body) -> {
            Map<String, String> env = functionEnvironment(template, id);
            Set<String> roles = roles(env);
            String handler = env.get("QUARKUS_LAMBDA_HANDLER");
            Map<String, Object> properties = properties(template, id);
            if (!roles.contains("jobs")) {
                if (handler != null) {
                    problems.add(id + " sets QUARKUS_LAMBDA_HANDLER=" + handler + " but does not play the jobs role");
                }
                return;
            }
            if (!roles.equals(Set.of("jobs"))) {
                problems.add(id + " plays " + roles + "; a job function plays the jobs role only");
            }
            if (handler == null) {
                problems.add(id + " plays the jobs role but sets no QUARKUS_LAMBDA_HANDLER");
                return;
            }
            functionsByJob.computeIfAbsent(handler, h -> new ArrayList<>()).add(id);
            if (!JobHandlers.ALL.contains(handler)) {
                problems.add(id + ": QUARKUS_LAMBDA_HANDLER=" + handler + " is not a job handler of the code "
                        + "(JobHandlers.ALL = " + JobHandlers.ALL + ")");
            }
            if (!JOBS_CODE.equals(properties.get("CodeUri"))) {
                problems.add(id + ": CodeUri is " + properties.get("CodeUri") + ", the jobs zip is " + JOBS_CODE);
            }
            if (schedules(properties).isEmpty()) {
                problems.add(id + " (job " + handler + ") has no Schedule event with a rate(...) or cron(...)");
            }
        });
        for (String job : JobHandlers.ALL) {
            List<String> functions = functionsByJob.getOrDefault(job, List.of());
            if (functions.isEmpty()) {
                problems.add("job " + job + " (JobHandlers.ALL) has no function in template.yaml");
            } else if (functions.size() > 1) {
                problems.add("job " + job + " has " + functions.size() + " functions, so it runs twice: " + functions);
            }
        }
        assertNoProblems("job functions and JobHandlers disagree", problems);
    }

    @Test
    void billingReadsStripesSecretsFromSecretsManagerAndItsJobRunsDaily() {
        Template template = Template.of(raw(), Map.of());
        List<String> problems = new ArrayList<>();
        Map<String, Object> resources = asMap(raw().get("Resources"), "Resources");
        for (String secret : List.of("StripeApiKeySecret", "StripeWebhookSecret")) {
            if (!(resources.get(secret) instanceof Map<?, ?> body) || !"AWS::SecretsManager::Secret".equals(body.get("Type"))) {
                problems.add(secret + " is not an AWS::SecretsManager::Secret");
            }
        }
        Map<String, Map<String, String>> expected = Map.of(
                "ApiFunction", Map.of("PARLEY_BILLING_STRIPE_API_KEY", "StripeApiKeySecret",
                        "PARLEY_BILLING_STRIPE_WEBHOOK_SECRET", "StripeWebhookSecret"),
                "BillingProrationFunction", Map.of("PARLEY_BILLING_STRIPE_API_KEY", "StripeApiKeySecret"));
        expected.forEach((function, variables) -> {
            Map<String, Object> env = rawEnvironment(resources, function);
            variables.forEach((variable, secret) -> {
                Object value = env.get(variable);
                String reference = "{{resolve:secretsmanager:${" + secret + "}}}";
                if (!(value instanceof Map<?, ?> sub) || !reference.equals(sub.get("Fn::Sub"))) {
                    problems.add(function + " sets " + variable + " to " + value + ", not !Sub '" + reference + "'");
                }
            });
            if (!Map.of("Ref", "BillingEnabled").equals(env.get("PARLEY_BILLING_ENABLED"))) {
                problems.add(function + " does not take PARLEY_BILLING_ENABLED from the BillingEnabled parameter");
            }
        });
        // No Stripe secret is inline anywhere: every PARLEY_BILLING_STRIPE_* value is a dynamic reference.
        functions(template).keySet().forEach(id -> rawEnvironment(resources, id).forEach((variable, value) -> {
            if (variable.startsWith("PARLEY_BILLING_STRIPE_") && !String.valueOf(value).contains("{{resolve:secretsmanager:")) {
                problems.add(id + " sets " + variable + " inline");
            }
        }));
        String job = functions(template).keySet().stream()
                .filter(id -> JobHandlers.BILLING_PRORATION.equals(functionEnvironment(template, id).get("QUARKUS_LAMBDA_HANDLER")))
                .findFirst().orElse(null);
        if (job == null) {
            problems.add("no function runs " + JobHandlers.BILLING_PRORATION);
        } else if (schedules(properties(template, job)).stream()
                .noneMatch(s -> s.equals("rate(1 day)") || s.matches("cron\\(\\d+ \\d+ \\* \\* \\? \\*\\)"))) {
            problems.add(job + " is not scheduled once a day: " + schedules(properties(template, job)));
        }
        assertNoProblems("billing's secrets and job in template.yaml", problems);
    }

    /** A function's own environment variables as written (tags unresolved). */
    private static Map<String, Object> rawEnvironment(Map<String, Object> resources, String function) {
        Map<String, Object> body = asMap(resources.get(function), function);
        Map<String, Object> properties = asMap(body.get("Properties"), function);
        if (properties.get("Environment") instanceof Map<?, ?> environment && environment.get("Variables") instanceof Map<?, ?> v) {
            Map<String, Object> variables = new LinkedHashMap<>();
            v.forEach((k, value) -> variables.put(String.valueOf(k), value));
            return variables;
        }
        return Map.of();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void functionsRunOnTheRuntimeTheirZipIsBuiltFor(Scenario scenario) {
        Template template = evaluate(scenario);
        boolean nativeRuntime = "native".equals(template.parameter("LambdaRuntime"));
        String runtime = nativeRuntime ? "provided.al2023" : "java21";
        String handler = nativeRuntime ? "bootstrap" : JVM_HANDLER;
        List<String> problems = new ArrayList<>();
        List<String> apiFunctions = new ArrayList<>();
        functions(template).forEach((id, body) -> {
            Map<String, Object> effective = new LinkedHashMap<>(globals(template));
            effective.putAll(properties(template, id));
            if (!runtime.equals(effective.get("Runtime")) || !handler.equals(effective.get("Handler"))) {
                problems.add(id + " runs " + effective.get("Runtime") + " with handler " + effective.get("Handler")
                        + "; LambdaRuntime=" + template.parameter("LambdaRuntime") + " needs " + runtime + " with " + handler);
            }
            if (roles(functionEnvironment(template, id)).contains("api")) {
                apiFunctions.add(id);
                if (!API_CODE.equals(effective.get("CodeUri"))) {
                    problems.add(id + ": CodeUri is " + effective.get("CodeUri") + ", the API zip is " + API_CODE);
                }
                boolean http = events(effective).values().stream().anyMatch(e -> "HttpApi".equals(e.get("Type")));
                if (!http) {
                    problems.add(id + " plays the api role but has no HttpApi event");
                }
            }
        });
        if (apiFunctions.size() != 1) {
            problems.add("expected exactly one function with PARLEY_ROLES=api, found " + apiFunctions);
        }
        List<String> connectors = workloads(template).stream()
                .filter(w -> w.roles().contains("connector")).map(Workload::name).toList();
        if (connectors.isEmpty()) {
            problems.add("no container plays the connector role");
        }
        assertNoProblems("functions and packaging disagree with " + scenario, problems);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Tables and queues
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void tablesAreDeclaredExactlyAsDynamoTablesDefinesThem(Scenario scenario) {
        Template template = evaluate(scenario);
        Set<String> problems = new LinkedHashSet<>();
        Map<String, Map<String, Object>> declared = new TreeMap<>();
        template.liveResources().forEach((id, body) -> {
            if (Template.type(body).equals("AWS::DynamoDB::Table")) {
                declared.put(template.tableName(id), properties(template, id));
            }
        });
        for (Workload workload : workloads(template)) {
            AwsConfig aws = aws(workload.env());
            DynamoTables tables = new DynamoTables(aws);
            Map<String, String> ttl = tables.ttlAttributes();
            Set<String> defined = new TreeSet<>();
            for (CreateTableRequest definition : tables.definitions()) {
                defined.add(definition.tableName());
                Map<String, Object> table = declared.get(definition.tableName());
                if (table == null) {
                    problems.add("table " + definition.tableName() + " (DynamoTables.definitions(), as " + workload.name()
                            + " names it) is not declared");
                } else {
                    compareTable(definition, table, ttl.get(definition.tableName()), problems);
                }
            }
            String prefix = aws.tablePrefix();
            declared.forEach((name, table) -> {
                boolean ahead = name.startsWith(prefix) && TABLES_AHEAD_OF_CODE.contains(name.substring(prefix.length()));
                if (!defined.contains(name) && !ahead) {
                    problems.add("table " + name + " is declared but DynamoTables.definitions() defines no such table");
                }
            });
        }
        assertNoProblems("tables differ from DynamoTables with " + scenario, problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void queuesExistForEveryShardAndPriorityTheCodeUses(Scenario scenario) {
        Template template = evaluate(scenario);
        List<Workload> workloads = workloads(template);
        Set<String> problems = new LinkedHashSet<>(agreement(workloads));
        Map<String, String> queueIds = new TreeMap<>();
        Set<String> deadLetterArns = new TreeSet<>();
        template.liveResources().forEach((id, body) -> {
            if (Template.type(body).equals("AWS::SQS::Queue")) {
                queueIds.put(template.queueName(id), id);
                if (properties(template, id).get("RedrivePolicy") instanceof Map<?, ?> redrive) {
                    deadLetterArns.add(String.valueOf(redrive.get("deadLetterTargetArn")));
                }
            }
        });
        Set<String> outbound = new TreeSet<>();
        queueIds.keySet().forEach(name -> {
            if (!deadLetterArns.contains(Template.queueArn(name))) {
                outbound.add(name);
            }
        });
        for (Workload workload : workloads) {
            ParleyConfig config = config(workload.env());
            Set<String> expected = new TreeSet<>();
            for (int shard = 0; shard < config.shards(); shard++) {
                for (Priority priority : Priority.values()) {
                    String name = new QueueAddress(shard, priority).name(aws(workload.env()).queuePrefix());
                    expected.add(name);
                    if (!outbound.contains(name)) {
                        problems.add("queue " + name + " (shard " + shard + ", " + priority + ", as " + workload.name()
                                + " names it with " + config.shards() + " shards) is not declared");
                    } else {
                        checkQueue(template, queueIds, new QueueAddress(shard, priority), workload, problems);
                    }
                }
            }
            for (String name : outbound) {
                if (!expected.contains(name)) {
                    problems.add("queue " + name + " is declared, but with " + config.shards() + " shards "
                            + workload.name() + " never uses it");
                }
            }
        }
        assertNoProblems("queues differ from QueueAddress with " + scenario, problems);
    }

    // ---------------------------------------------------------------------------------------------------------
    // IAM
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void everyWorkloadIsGrantedWhatItsCodeCallsAndNoOtherData(Scenario scenario) {
        Template template = evaluate(scenario);
        List<Workload> workloads = workloads(template);
        Set<String> problems = new LinkedHashSet<>();
        Set<String> dataArns = dataArns(template);
        for (Workload workload : workloads) {
            problems.addAll(workload.problems());
            if (!workload.env().containsKey("PARLEY_ROLES")) {
                problems.add(workload.name() + " sets no PARLEY_ROLES, so it would play every role");
                continue;
            }
            List<Need> needs = needs(workload.roles(), workload.env().get("QUARKUS_LAMBDA_HANDLER"),
                    config(workload.env()), aws(workload.env()));
            for (Need need : needs) {
                if (workload.grants().stream().noneMatch(g -> g.allows(need.action(), need.arn()))) {
                    problems.add(workload.name() + " may not " + need.action() + " on " + need.arn() + " (" + need.why() + ")");
                }
            }
            Set<String> needed = new TreeSet<>();
            needs.forEach(n -> needed.add(n.arn()));
            for (Grant grant : workload.grants()) {
                List<String> dataActions = grant.actions().stream()
                        .filter(a -> a.toLowerCase().startsWith("dynamodb:") || a.toLowerCase().startsWith("sqs:")).toList();
                if (dataActions.isEmpty()) {
                    continue;
                }
                for (String pattern : grant.resources()) {
                    if (needed.stream().noneMatch(arn -> glob(pattern, arn, false))) {
                        problems.add(workload.name() + " (" + grant.where() + ") grants " + dataActions + " on " + pattern
                                + ", which its code does not use");
                    }
                    for (String arn : dataArns) {
                        if (!needed.contains(arn) && glob(pattern, arn, false)) {
                            problems.add(workload.name() + " (" + grant.where() + ") grants " + dataActions + " on " + arn
                                    + " (through " + pattern + "), which its code does not use");
                        }
                    }
                }
            }
            for (String secret : workload.containerSecrets()) {
                if (workload.executionGrants().stream().noneMatch(g -> g.allows("secretsmanager:GetSecretValue", secret))) {
                    problems.add(workload.name() + ": its execution role may not read secret " + secret
                            + ", which ECS must fetch to start the container");
                }
            }
        }
        assertNoProblems("IAM policies do not fit the code with " + scenario, problems);
    }

    /**
     * What each role's code calls, on the tables and queues its configuration names. Kept by hand next to the
     * stores: MessageStore, IdempotencyStore, SqsOutboundQueue and the connector's lease store.
     */
    private static List<Need> needs(Set<String> roles, String handler, ParleyConfig config, AwsConfig aws) {
        DynamoTables tables = new DynamoTables(aws);
        Map<String, CreateTableRequest> definitions = new LinkedHashMap<>();
        tables.definitions().forEach(d -> definitions.put(d.tableName(), d));
        List<Need> needs = new ArrayList<>();
        if (roles.contains("api")) {
            table(needs, definitions, tables.messages(), MESSAGE_TABLE_CALLS, "api: MessageStore");
            table(needs, definitions, tables.idempotency(), IDEMPOTENCY_TABLE_CALLS, "api: IdempotencyStore");
            table(needs, definitions, tables.events(), EVENTS_READ_CALLS, "api: EventOutbox (removal events, listing)");
            table(needs, definitions, tables.inbound(), INBOUND_READ_CALLS, "api: InboundStore (quotes, listing)");
            table(needs, definitions, tables.chats(), CHATS_READ_CALLS, "api: InboundStore chats");
            table(needs, definitions, tables.usage(), USAGE_READ_CALLS, "api: InboundStore usage");
            table(needs, definitions, tables.deviceCommands(), COMMANDS_API_CALLS, "api: DeviceCommandStore");
            queues(needs, config, aws, QUEUE_SEND_CALLS, "api: MessageService enqueues");
        }
        if (roles.contains("jobs") && JobHandlers.DEAD_LETTER_REDRIVE.equals(handler)) {
            // A function of this job alone runs nothing else: it touches the queues only.
            deadLetterQueues(needs, config, aws, DEAD_LETTER_CALLS, "jobs: DeadLetterRedriveJob reads dead letters");
            queues(needs, config, aws, QUEUE_SEND_CALLS, "jobs: DeadLetterRedriveJob sends them back");
        } else if (roles.contains("jobs") && JobHandlers.BILLING_PRORATION.equals(handler)) {
            // Its data is in PostgreSQL and Stripe; of DynamoDB it reads the usage counters only.
            table(needs, definitions, tables.usage(), USAGE_READ_CALLS, "jobs: BillingProrationJob reads usage");
        } else if (roles.contains("jobs")) {
            table(needs, definitions, tables.messages(), MESSAGE_TABLE_CALLS, "jobs: MessageStore");
            table(needs, definitions, tables.events(), EVENTS_READ_CALLS, "jobs: EventOutbox (expiry events, webhooks)");
            queues(needs, config, aws, QUEUE_SEND_CALLS, "jobs: promotion and repair enqueue");
        }
        if (roles.contains("connector")) {
            table(needs, definitions, tables.messages(), MESSAGE_TABLE_CALLS, "connector: MessageStore");
            table(needs, definitions, tables.events(), EVENTS_APPEND_CALLS, "connector: EventOutbox");
            table(needs, definitions, tables.inbound(), INBOUND_WRITE_CALLS, "connector: InboundHandler");
            table(needs, definitions, tables.chats(), UPSERT_CALLS, "connector: InboundHandler chats");
            table(needs, definitions, tables.usage(), UPSERT_CALLS, "connector: InboundHandler usage");
            table(needs, definitions, aws.tablePrefix() + "leases", LEASE_TABLE_CALLS, "connector: shard leases");
            table(needs, definitions, tables.deviceCommands(), COMMANDS_CONNECTOR_CALLS, "connector: DeviceCommandRunner");
            table(needs, definitions, tables.sessions(), SESSIONS_CALLS, "connector: DynamoSessionStore");
            SESSIONS_KEY_CALLS.forEach(call -> needs.add(new Need(call, Template.kmsKeyArn("SessionsKey"),
                    "connector: KmsDataKeys")));
            queues(needs, config, aws, QUEUE_CONSUME_CALLS, "connector: pollers and lanes");
        }
        return needs;
    }

    private static void table(List<Need> needs, Map<String, CreateTableRequest> definitions, String table,
                              List<String> calls, String why) {
        String arn = Template.tableArn(table);
        calls.forEach(call -> needs.add(new Need(call, arn, why)));
        CreateTableRequest definition = definitions.get(table);
        if (definition != null && calls.contains("dynamodb:Query")) {
            definition.globalSecondaryIndexes().forEach(index ->
                    needs.add(new Need("dynamodb:Query", arn + "/index/" + index.indexName(), why)));
        }
    }

    private static void queues(List<Need> needs, ParleyConfig config, AwsConfig aws, List<String> calls, String why) {
        queueNeeds(needs, config, address -> address.name(aws.queuePrefix()), calls, why);
    }

    private static void deadLetterQueues(List<Need> needs, ParleyConfig config, AwsConfig aws, List<String> calls,
                                         String why) {
        queueNeeds(needs, config, address -> address.deadLetterName(aws.queuePrefix()), calls, why);
    }

    private static void queueNeeds(List<Need> needs, ParleyConfig config, Function<QueueAddress, String> name,
                                   List<String> calls, String why) {
        for (int shard = 0; shard < config.shards(); shard++) {
            for (Priority priority : Priority.values()) {
                String arn = Template.queueArn(name.apply(new QueueAddress(shard, priority)));
                calls.forEach(call -> needs.add(new Need(call, arn, why)));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The media bucket (dev.parley.file.store.S3FileStore)
    // ---------------------------------------------------------------------------------------------------------

    /** What the API's file code calls: staged uploads under tmp/ copied to files/, downloads, deletes. */
    private static final List<String> S3_API_CALLS = List.of("s3:PutObject", "s3:GetObject", "s3:DeleteObject",
            "s3:AbortMultipartUpload");
    /** What the connector calls: it sends media from stored content. */
    private static final List<String> S3_CONNECTOR_CALLS = List.of("s3:GetObject");
    /** What the file-cleanup job calls: deletes of stored content. */
    private static final List<String> S3_CLEANUP_CALLS = List.of("s3:DeleteObject");

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void onlyTheWorkloadsThatUseTheBucketMayTouchItAndOnlyWithTheCallsTheirCodeMakes(Scenario scenario) {
        Template template = evaluate(scenario);
        Set<String> problems = new LinkedHashSet<>();
        String bucket = template.refValue("MediaBucket", "MediaBucket");
        for (Workload workload : workloads(template)) {
            List<Need> needs = s3Needs(workload);
            if (!needs.isEmpty() && !bucket.equals(workload.env().get("PARLEY_FILES_BUCKET"))) {
                problems.add(workload.name() + " uses the bucket but PARLEY_FILES_BUCKET is "
                        + workload.env().get("PARLEY_FILES_BUCKET") + ", not MediaBucket");
            }
            for (Need need : needs) {
                if (workload.grants().stream().noneMatch(g -> g.allows(need.action(), need.arn()))) {
                    problems.add(workload.name() + " may not " + need.action() + " on " + need.arn() + " (" + need.why() + ")");
                }
            }
            for (Grant grant : workload.grants()) {
                for (String action : grant.actions()) {
                    if (!action.toLowerCase().startsWith("s3:")) {
                        continue;
                    }
                    for (String pattern : grant.resources()) {
                        boolean used = needs.stream().anyMatch(n -> n.action().equalsIgnoreCase(action)
                                && glob(pattern, n.arn(), false));
                        if (!used) {
                            problems.add(workload.name() + " (" + grant.where() + ") grants " + action + " on "
                                    + pattern + ", which its code does not call there");
                        }
                    }
                }
            }
        }
        assertNoProblems("S3 grants do not fit the file code with " + scenario, problems);
    }

    @Test
    void theBucketIsEncryptedAndItsLifecycleExpiresOnlyUploadLeftovers() {
        Template template = Template.of(raw(), Map.of());
        Map<String, Object> bucket = properties(template, "MediaBucket");
        List<String> problems = new ArrayList<>();
        Object encryption = asMap(bucket.getOrDefault("BucketEncryption", Map.of()), "MediaBucket")
                .get("ServerSideEncryptionConfiguration");
        if (!(encryption instanceof List<?> rules) || rules.isEmpty()) {
            problems.add("MediaBucket has no server-side encryption");
        }
        Map<String, Object> lifecycle = asMap(bucket.getOrDefault("LifecycleConfiguration", Map.of()), "MediaBucket");
        for (Object r : asList(lifecycle.getOrDefault("Rules", List.of()), "MediaBucket")) {
            Map<String, Object> rule = asMap(r, "MediaBucket");
            boolean expires = rule.containsKey("ExpirationInDays") || rule.containsKey("ExpirationDate");
            Object prefix = rule.get("Prefix");
            if (expires && !"tmp/".equals(prefix)) {
                problems.add("lifecycle rule " + rule.get("Id") + " expires objects under '" + prefix + "'; files expire "
                        + "by their own expiresAt (file-cleanup), only tmp/ may expire by age");
            }
        }
        assertNoProblems("the media bucket", problems);
    }

    /** The bucket calls a workload's code makes, by role (and, for a job function, by its handler). */
    private static List<Need> s3Needs(Workload workload) {
        String bucket = workload.env().getOrDefault("PARLEY_FILES_BUCKET", "parley-files");
        String staged = "arn:aws:s3:::" + bucket + "/tmp/0123456789abcdef01234567/upload";
        String stored = "arn:aws:s3:::" + bucket + "/files/0123456789abcdef01234567/" + "ab".repeat(32);
        List<Need> needs = new ArrayList<>();
        Set<String> roles = workload.roles();
        if (roles.contains("api")) {
            for (String call : S3_API_CALLS) {
                needs.add(new Need(call, staged, "api: FileService stages uploads"));
                needs.add(new Need(call, stored, "api: FileService stores, serves and deletes content"));
            }
        }
        if (roles.contains("connector")) {
            S3_CONNECTOR_CALLS.forEach(call -> needs.add(new Need(call, stored, "connector: OutboundMedia")));
        }
        String handler = workload.env().get("QUARKUS_LAMBDA_HANDLER");
        if (roles.contains("jobs") && (handler == null || handler.equals(JobHandlers.FILE_CLEANUP))) {
            S3_CLEANUP_CALLS.forEach(call -> needs.add(new Need(call, stored, "jobs: FileCleanupJob")));
        }
        return needs;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The schema check that needs a tool: cfn-lint (resource types, required properties, SAM transform)
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void cfnLintFindsNoProblemWhereItIsInstalled() throws Exception {
        Path cfnLint = onPath("cfn-lint");
        assumeTrue(cfnLint != null, "cfn-lint is not installed; it would check resource types and properties");
        Process process = new ProcessBuilder(cfnLint.toString(), "--", TEMPLATE.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("cfn-lint did not finish within 5 minutes");
        }
        if (process.exitValue() != 0) {
            fail("cfn-lint reports problems in template.yaml (exit " + process.exitValue() + "):\n" + output);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Scenarios
    // ---------------------------------------------------------------------------------------------------------

    /** One set of parameter values the template must deploy with. */
    record Scenario(String name, Map<String, String> parameters) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Scenario> scenarios() throws IOException {
        List<Scenario> scenarios = new ArrayList<>();
        scenarios.add(new Scenario("defaults", Map.of()));
        try (Stream<Path> files = Files.list(STAGES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                scenarios.add(new Scenario("stage " + file.getFileName(), stageParameters(file)));
            }
        }
        Map<String, String> existing = Map.of("DatabaseMode", "existing",
                "ExistingDatabaseAddress", "db.example.com:5432/parley",
                "ExistingDatabaseSecretArn", "arn:aws:secretsmanager:us-east-1:123456789012:secret:parley-db-AbCdEf");
        scenarios.add(new Scenario("existing database, jvm functions", merge(existing, Map.of("LambdaRuntime", "jvm"))));
        scenarios.add(new Scenario("existing database, functions in the VPC", merge(existing, Map.of("LambdaVpcAccess", "true"))));
        Object allowed = asMap(asMap(raw().get("Parameters"), "Parameters").get("ShardCount"), "ShardCount").get("AllowedValues");
        for (Object count : asList(allowed, "ShardCount/AllowedValues")) {
            scenarios.add(new Scenario("ShardCount=" + count, Map.of("ShardCount", String.valueOf(count))));
        }
        return scenarios;
    }

    private static Map<String, String> stageParameters(Path file) {
        try {
            JsonNode stage = new ObjectMapper().readTree(file.toFile());
            Map<String, String> parameters = new LinkedHashMap<>();
            stage.path("Parameters").properties().forEach(e -> parameters.put(e.getKey(), e.getValue().asText()));
            return parameters;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> merged = new LinkedHashMap<>(a);
        merged.putAll(b);
        return merged;
    }

    private static Template evaluate(Scenario scenario) {
        return Template.of(raw(), scenario.parameters());
    }

    private static synchronized Map<String, Object> raw() {
        if (raw == null) {
            try {
                raw = CloudFormationYaml.load(TEMPLATE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return raw;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Workloads: what runs the code, with its environment and its grants
    // ---------------------------------------------------------------------------------------------------------

    /** A function, or one container of a task definition: code with an environment and IAM grants. */
    record Workload(String name, Map<String, String> env, List<Grant> grants, List<Grant> executionGrants,
                    List<String> containerSecrets, List<String> problems) {
        Set<String> roles() {
            return TemplateTest.roles(env);
        }
    }

    /** One Allow statement: actions on resource patterns. */
    record Grant(String where, List<String> actions, List<String> resources) {
        boolean allows(String action, String arn) {
            return actions.stream().anyMatch(a -> glob(a, action, true))
                    && resources.stream().anyMatch(r -> glob(r, arn, false));
        }
    }

    /** A call the code makes on a resource, and which code makes it. */
    record Need(String action, String arn, String why) {
    }

    private static List<Workload> workloads(Template template) {
        List<Workload> workloads = new ArrayList<>();
        template.liveResources().forEach((id, body) -> {
            switch (Template.type(body)) {
                case "AWS::Serverless::Function", "AWS::Lambda::Function" -> {
                    List<String> problems = new ArrayList<>();
                    Map<String, Object> properties = properties(template, id);
                    List<Grant> grants = properties.containsKey("Role")
                            ? roleGrants(template, roleId(properties.get("Role")), problems)
                            : samPolicies(id, properties.get("Policies"), problems);
                    workloads.add(new Workload(id, functionEnvironment(template, id), grants, List.of(), List.of(), problems));
                }
                case "AWS::ECS::TaskDefinition" -> {
                    Map<String, Object> properties = properties(template, id);
                    for (Object c : asList(properties.get("ContainerDefinitions"), id)) {
                        Map<String, Object> container = asMap(c, id);
                        List<String> problems = new ArrayList<>();
                        Map<String, String> env = new LinkedHashMap<>();
                        List<String> secrets = new ArrayList<>();
                        for (Object e : asList(container.getOrDefault("Environment", List.of()), id)) {
                            env.put(String.valueOf(asMap(e, id).get("Name")), String.valueOf(asMap(e, id).get("Value")));
                        }
                        for (Object s : asList(container.getOrDefault("Secrets", List.of()), id)) {
                            String valueFrom = String.valueOf(asMap(s, id).get("ValueFrom"));
                            env.put(String.valueOf(asMap(s, id).get("Name")), "(secret " + valueFrom + ")");
                            secrets.add(secretArn(valueFrom));
                        }
                        List<Grant> grants = properties.containsKey("TaskRoleArn")
                                ? roleGrants(template, roleId(properties.get("TaskRoleArn")), problems) : List.of();
                        List<Grant> execution = properties.containsKey("ExecutionRoleArn")
                                ? roleGrants(template, roleId(properties.get("ExecutionRoleArn")), problems) : List.of();
                        workloads.add(new Workload(id + "/" + container.get("Name"), env, grants, execution, secrets, problems));
                    }
                }
                default -> {
                }
            }
        });
        return workloads;
    }

    /** The statements of a SAM function's Policies: inline statements, plus managed policies known to hold no data access. */
    private static List<Grant> samPolicies(String id, Object policies, List<String> problems) {
        List<Grant> grants = new ArrayList<>();
        List<Object> list = policies == null ? List.of() : policies instanceof List<?> l ? asList(l, id) : List.of(policies);
        for (Object policy : list) {
            if (policy instanceof String name) {
                if (!HARMLESS_MANAGED_POLICIES.contains(name)) {
                    problems.add(id + " carries policy " + name + ", which this test cannot see into: write an inline Statement");
                }
            } else if (asMap(policy, id).containsKey("Statement")) {
                grants.addAll(statements(id + "/Policies", asMap(policy, id).get("Statement"), problems));
            } else {
                problems.add(id + " uses SAM policy template " + asMap(policy, id).keySet()
                        + ", which this test cannot see into: write an inline Statement");
            }
        }
        return grants;
    }

    /** The statements of an IAM role: its inline policies and the AWS::IAM::Policy resources attached to it. */
    private static List<Grant> roleGrants(Template template, String roleId, List<String> problems) {
        List<Grant> grants = new ArrayList<>();
        Map<String, Object> role = properties(template, roleId);
        for (Object policy : asList(role.getOrDefault("Policies", List.of()), roleId)) {
            Map<String, Object> p = asMap(policy, roleId);
            Object document = p.get("PolicyDocument");
            grants.addAll(statements(roleId + "/" + p.get("PolicyName"), asMap(document, roleId).get("Statement"), problems));
        }
        for (Object arn : asList(role.getOrDefault("ManagedPolicyArns", List.of()), roleId)) {
            String name = String.valueOf(arn).substring(String.valueOf(arn).lastIndexOf('/') + 1);
            if (!HARMLESS_MANAGED_POLICIES.contains(name) && !name.equals("AmazonECSTaskExecutionRolePolicy")) {
                problems.add(roleId + " carries managed policy " + arn + ", which this test cannot see into");
            }
        }
        template.liveResources().forEach((id, body) -> {
            if (Template.type(body).equals("AWS::IAM::Policy")) {
                Map<String, Object> p = properties(template, id);
                if (asList(p.getOrDefault("Roles", List.of()), id).contains(roleId)) {
                    grants.addAll(statements(id, asMap(p.get("PolicyDocument"), id).get("Statement"), problems));
                }
            }
        });
        return grants;
    }

    private static List<Grant> statements(String where, Object statements, List<String> problems) {
        List<Grant> grants = new ArrayList<>();
        List<Object> list = statements instanceof List<?> l ? asList(l, where) : List.of(statements);
        for (Object s : list) {
            Map<String, Object> statement = asMap(s, where);
            String name = where + (statement.containsKey("Sid") ? "/" + statement.get("Sid") : "");
            if (statement.containsKey("NotAction") || statement.containsKey("NotResource")) {
                problems.add(name + " uses NotAction or NotResource; write Action and Resource");
                continue;
            }
            if (!"Allow".equals(statement.get("Effect"))) {
                continue;
            }
            grants.add(new Grant(name, strings(statement.get("Action")), strings(statement.get("Resource"))));
        }
        return grants;
    }

    private static List<String> strings(Object node) {
        if (node == null) {
            return List.of();
        }
        return node instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of(String.valueOf(node));
    }

    /** The logical id of a role named by its ARN (the evaluator's fake ARNs end in role/<logical id>). */
    private static String roleId(Object arn) {
        String value = String.valueOf(arn);
        return value.substring(value.lastIndexOf('/') + 1);
    }

    /** The secret's ARN from an ECS ValueFrom, which may add :json-key:version-stage:version-id. */
    private static String secretArn(String valueFrom) {
        String[] parts = valueFrom.split(":");
        return parts.length > 7 ? String.join(":", List.of(parts).subList(0, 7)) : valueFrom;
    }

    /** Every table, index and queue ARN that exists with these parameters: what a data grant might reach. */
    private static Set<String> dataArns(Template template) {
        Set<String> arns = new TreeSet<>();
        template.liveResources().forEach((id, body) -> {
            switch (Template.type(body)) {
                case "AWS::DynamoDB::Table" -> {
                    String arn = Template.tableArn(template.tableName(id));
                    arns.add(arn);
                    for (Object index : asList(properties(template, id).getOrDefault("GlobalSecondaryIndexes", List.of()), id)) {
                        arns.add(arn + "/index/" + asMap(index, id).get("IndexName"));
                    }
                }
                case "AWS::SQS::Queue" -> arns.add(Template.queueArn(template.queueName(id)));
                default -> {
                }
            }
        });
        return arns;
    }

    private static Map<String, Map<String, Object>> functions(Template template) {
        Map<String, Map<String, Object>> functions = new TreeMap<>();
        template.liveResources().forEach((id, body) -> {
            if (Template.type(body).equals("AWS::Serverless::Function")) {
                functions.put(id, body);
            }
        });
        return functions;
    }

    private static Map<String, Object> properties(Template template, String id) {
        Object properties = template.resources().get(id).get("Properties");
        return properties == null ? Map.of() : asMap(template.resolve(properties, "Resources/" + id + "/Properties"), id);
    }

    private static Map<String, Object> globals(Template template) {
        Object function = template.section("Globals").get("Function");
        return function == null ? Map.of() : asMap(template.resolve(function, "Globals/Function"), "Globals/Function");
    }

    /** A SAM function's environment: Globals' variables, overridden by the function's own. */
    private static Map<String, String> functionEnvironment(Template template, String id) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> source : List.of(globals(template), properties(template, id))) {
            if (source.get("Environment") instanceof Map<?, ?> environment
                    && environment.get("Variables") instanceof Map<?, ?> variables) {
                variables.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
            }
        }
        return env;
    }

    private static Map<String, Map<String, Object>> events(Map<String, Object> properties) {
        Map<String, Map<String, Object>> events = new LinkedHashMap<>();
        if (properties.get("Events") instanceof Map<?, ?> map) {
            map.forEach((k, v) -> events.put(String.valueOf(k), asMap(v, String.valueOf(k))));
        }
        return events;
    }

    private static List<String> schedules(Map<String, Object> properties) {
        List<String> schedules = new ArrayList<>();
        events(properties).values().forEach(event -> {
            if ("Schedule".equals(event.get("Type")) && event.get("Properties") instanceof Map<?, ?> p
                    && String.valueOf(p.get("Schedule")).matches("(rate|cron)\\(.+\\)")) {
                schedules.add(String.valueOf(p.get("Schedule")));
            }
        });
        return schedules;
    }

    private static Set<String> roles(Map<String, String> env) {
        String roles = env.get("PARLEY_ROLES");
        if (roles == null) {
            return Set.of();
        }
        Set<String> set = new TreeSet<>();
        for (String role : roles.split(",")) {
            set.add(Role.valueOf(role.trim()).name());
        }
        return set;
    }

    /** The configuration the code sees in a workload: ParleyConfig read from its environment variables only. */
    private static ParleyConfig config(Map<String, String> env) {
        return mapping(env, ParleyConfig.class);
    }

    /** The AWS naming the code sees in a workload, read from its environment variables only. */
    private static AwsConfig aws(Map<String, String> env) {
        return mapping(env, AwsConfig.class);
    }

    private static <T> T mapping(Map<String, String> env, Class<T> type) {
        return new SmallRyeConfigBuilder()
                .withMapping(type)
                // Quarkus's own converter, so "120s" and "15m" read as they do in the application.
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new EnvConfigSource(env, 300))
                .build()
                .getConfigMapping(type);
    }

    private static ConnectorConfig connector(Map<String, String> env) {
        return new SmallRyeConfigBuilder()
                .withMapping(ConnectorConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new EnvConfigSource(env, 300))
                .build()
                .getConfigMapping(ConnectorConfig.class);
    }

    /** The workloads must agree on what names the data: one shard count, one table and one queue prefix. */
    private static List<String> agreement(List<Workload> workloads) {
        Map<String, String> seen = new TreeMap<>();
        for (Workload workload : workloads) {
            ParleyConfig config = config(workload.env());
            AwsConfig aws = aws(workload.env());
            seen.put(workload.name(), "shards=" + config.shards() + ", table prefix " + aws.tablePrefix()
                    + ", queue prefix " + aws.queuePrefix());
        }
        return new TreeSet<>(seen.values()).size() <= 1 ? List.of()
                : List.of("workloads disagree on the names of the data: " + seen);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Comparisons
    // ---------------------------------------------------------------------------------------------------------

    private static void compareTable(CreateTableRequest code, Map<String, Object> table, String codeTtl,
                                     Set<String> problems) {
        String name = "table " + code.tableName();
        expectEqual(problems, name + " billing mode", code.billingModeAsString(),
                String.valueOf(table.getOrDefault("BillingMode", "PROVISIONED")));
        expectEqual(problems, name + " key schema", keys(code.keySchema()), templateKeys(table.get("KeySchema")));
        Set<String> codeAttributes = new TreeSet<>();
        code.attributeDefinitions().forEach(a -> codeAttributes.add(a.attributeName() + ":" + a.attributeTypeAsString()));
        Set<String> templateAttributes = new TreeSet<>();
        for (Object a : asList(table.getOrDefault("AttributeDefinitions", List.of()), name)) {
            templateAttributes.add(asMap(a, name).get("AttributeName") + ":" + asMap(a, name).get("AttributeType"));
        }
        expectEqual(problems, name + " attribute definitions", codeAttributes, templateAttributes);

        Map<String, String> codeIndexes = new TreeMap<>();
        for (GlobalSecondaryIndex index : code.globalSecondaryIndexes()) {
            codeIndexes.put(index.indexName(), keys(index.keySchema()) + " projecting " + projection(index.projection()));
        }
        for (LocalSecondaryIndex index : code.localSecondaryIndexes()) {
            codeIndexes.put("local " + index.indexName(), keys(index.keySchema()) + " projecting " + projection(index.projection()));
        }
        Map<String, String> templateIndexes = new TreeMap<>();
        for (String kind : List.of("GlobalSecondaryIndexes", "LocalSecondaryIndexes")) {
            for (Object i : asList(table.getOrDefault(kind, List.of()), name)) {
                Map<String, Object> index = asMap(i, name);
                templateIndexes.put((kind.startsWith("Local") ? "local " : "") + index.get("IndexName"),
                        templateKeys(index.get("KeySchema")) + " projecting " + templateProjection(index.get("Projection")));
            }
        }
        Set<String> indexNames = new TreeSet<>(codeIndexes.keySet());
        indexNames.addAll(templateIndexes.keySet());
        for (String index : indexNames) {
            String inCode = codeIndexes.get(index);
            String inTemplate = templateIndexes.get(index);
            if (inTemplate == null) {
                problems.add(name + ": index " + index + " (" + inCode + ") is not declared");
            } else if (inCode == null) {
                problems.add(name + ": index " + index + " is declared but DynamoTables does not define it");
            } else if (!inCode.equals(inTemplate)) {
                problems.add(name + ": index " + index + " is " + inCode + " in the code but " + inTemplate + " in the template");
            }
        }

        String templateTtl = null;
        if (table.get("TimeToLiveSpecification") instanceof Map<?, ?> ttl && "true".equals(String.valueOf(ttl.get("Enabled")))) {
            templateTtl = String.valueOf(ttl.get("AttributeName"));
        }
        expectEqual(problems, name + " TTL attribute", codeTtl, templateTtl);
    }

    private static String keys(List<KeySchemaElement> schema) {
        List<String> keys = new ArrayList<>();
        schema.forEach(k -> keys.add(k.attributeName() + " " + k.keyTypeAsString()));
        return String.join(", ", keys);
    }

    private static String templateKeys(Object schema) {
        List<String> keys = new ArrayList<>();
        for (Object k : asList(schema == null ? List.of() : schema, "KeySchema")) {
            keys.add(asMap(k, "KeySchema").get("AttributeName") + " " + asMap(k, "KeySchema").get("KeyType"));
        }
        return String.join(", ", keys);
    }

    private static String projection(Projection projection) {
        List<String> nonKey = new ArrayList<>(projection.nonKeyAttributes());
        nonKey.sort(null);
        return projection.projectionTypeAsString() + (nonKey.isEmpty() ? "" : " " + nonKey);
    }

    private static String templateProjection(Object projection) {
        Map<String, Object> p = asMap(projection, "Projection");
        List<String> nonKey = new ArrayList<>(strings(p.get("NonKeyAttributes")));
        nonKey.sort(null);
        return p.getOrDefault("ProjectionType", "KEYS_ONLY") + (nonKey.isEmpty() ? "" : " " + nonKey);
    }

    /**
     * A queue as the code creates it locally (SqsOutboundQueue.provision): the visibility the connector uses, and a
     * redrive policy to the dead-letter queue QueueAddress names after parley.aws.max-receive-count receives, that
     * dead-letter queue declared and without a redrive of its own.
     */
    private static void checkQueue(Template template, Map<String, String> queueIds, QueueAddress address,
                                   Workload workload, Set<String> problems) {
        AwsConfig aws = aws(workload.env());
        String name = address.name(aws.queuePrefix());
        Map<String, Object> properties = properties(template, queueIds.get(name));
        long visibility = connector(workload.env()).visibilityTimeout().toSeconds();
        expectEqual(problems, "queue " + name + " VisibilityTimeout (parley.connector.visibility-timeout)",
                Long.toString(visibility), String.valueOf(properties.getOrDefault("VisibilityTimeout", "30")));
        if (!(properties.get("RedrivePolicy") instanceof Map<?, ?> redrive)) {
            problems.add("queue " + name + " has no RedrivePolicy, so a poison entry would cycle forever");
            return;
        }
        String deadLetterName = address.deadLetterName(aws.queuePrefix());
        expectEqual(problems, "queue " + name + " dead-letter queue (QueueAddress.deadLetterName)",
                Template.queueArn(deadLetterName), String.valueOf(redrive.get("deadLetterTargetArn")));
        String deadLetterId = queueIds.get(deadLetterName);
        if (deadLetterId == null) {
            problems.add("dead-letter queue " + deadLetterName + " of " + name + " is not declared");
        } else if (properties(template, deadLetterId).containsKey("RedrivePolicy")) {
            problems.add("dead-letter queue " + deadLetterName + " has a RedrivePolicy of its own");
        }
        int maxReceiveCount = Integer.parseInt(String.valueOf(redrive.get("maxReceiveCount")));
        expectEqual(problems, "queue " + name + " maxReceiveCount (parley.aws.max-receive-count, as " + workload.name()
                + " reads it)", Integer.toString(aws.maxReceiveCount()), Integer.toString(maxReceiveCount));
        if (maxReceiveCount < MIN_MAX_RECEIVE_COUNT) {
            problems.add("queue " + name + " moves entries to its DLQ after " + maxReceiveCount + " receives; below "
                    + MIN_MAX_RECEIVE_COUNT + " healthy entries that were retried or taken over would land there");
        }
    }

    private static void expectDefault(Map<String, Object> parameters, String name, String expected, List<String> problems) {
        Object parameter = parameters.get(name);
        Object actual = parameter == null ? null : asMap(parameter, name).get("Default");
        if (!expected.equals(String.valueOf(actual))) {
            problems.add("parameter " + name + " defaults to " + actual + ", the code's default is " + expected);
        }
    }

    private static void expectEqual(Collection<String> problems, String what, Object code, Object template) {
        if (!java.util.Objects.equals(code, template)) {
            problems.add(what + ": code has " + code + ", template has " + template);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reference walk
    // ---------------------------------------------------------------------------------------------------------

    private record Names(Set<String> parameters, Set<String> resources, Set<String> conditions, Set<String> mappings) {
        boolean refable(String name) {
            return parameters.contains(name) || resources.contains(name) || Template.PSEUDO_PARAMETERS.contains(name);
        }
    }

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    private static void references(Object node, String path, Names names, List<String> problems) {
        if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                references(list.get(i), path + "/" + i, names, problems);
            }
            return;
        }
        if (!(node instanceof Map<?, ?> map)) {
            return;
        }
        if (map.size() == 1) {
            String function = String.valueOf(map.keySet().iterator().next());
            Object argument = map.values().iterator().next();
            String at = path + "/" + function;
            switch (function) {
                case "Ref" -> {
                    if (argument instanceof String name && !names.refable(name)) {
                        problems.add(at + ": Ref to '" + name + "', which is neither a parameter, a resource nor a pseudo parameter");
                    }
                }
                case "Fn::GetAtt" -> {
                    if (argument instanceof List<?> args && args.get(0) instanceof String id && !names.resources().contains(id)) {
                        problems.add(at + ": Fn::GetAtt of '" + id + "', which is not a declared resource");
                    }
                }
                case "Fn::Sub" -> subReferences(argument, at, names, problems);
                case "Fn::If" -> {
                    if (argument instanceof List<?> args && args.get(0) instanceof String c && !names.conditions().contains(c)) {
                        problems.add(at + ": Fn::If on '" + c + "', which is not a declared condition");
                    }
                }
                case "Condition" -> {
                    if (argument instanceof String c && !names.conditions().contains(c)) {
                        problems.add(at + ": '" + c + "' is not a declared condition");
                    }
                }
                case "Fn::FindInMap" -> {
                    if (argument instanceof List<?> args && args.get(0) instanceof String m && !names.mappings().contains(m)) {
                        problems.add(at + ": Fn::FindInMap in '" + m + "', which is not a declared mapping");
                    }
                }
                default -> {
                }
            }
        }
        map.forEach((key, value) -> references(value, path + "/" + key, names, problems));
    }

    private static void subReferences(Object argument, String path, Names names, List<String> problems) {
        String text;
        Set<String> variables = Set.of();
        if (argument instanceof String s) {
            text = s;
        } else if (argument instanceof List<?> args && args.get(0) instanceof String s) {
            text = s;
            if (args.size() > 1 && args.get(1) instanceof Map<?, ?> vars) {
                variables = new TreeSet<>();
                for (Object k : vars.keySet()) {
                    variables.add(String.valueOf(k));
                }
            }
        } else {
            return;
        }
        Matcher m = SUB_VARIABLE.matcher(text);
        while (m.find()) {
            String name = m.group(1);
            if (name.startsWith("!") || variables.contains(name)) {
                continue;
            }
            if (name.startsWith("AWS::")) {
                if (!Template.PSEUDO_PARAMETERS.contains(name)) {
                    problems.add(path + ": ${" + name + "} is not a pseudo parameter");
                }
            } else if (name.contains(".")) {
                String resource = name.substring(0, name.indexOf('.'));
                if (!names.resources().contains(resource)) {
                    problems.add(path + ": ${" + name + "} names '" + resource + "', which is not a declared resource");
                }
            } else if (!names.refable(name)) {
                problems.add(path + ": ${" + name + "} is neither a variable, a parameter nor a resource");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** IAM wildcard match: {@code *} any run of characters, {@code ?} one character. */
    static boolean glob(String pattern, String value, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0).matcher(value).matches();
    }

    private static void attempt(List<String> problems, Runnable step) {
        try {
            step.run();
        } catch (TemplateException e) {
            problems.add(e.getMessage());
        }
    }

    private static Path onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static void assertNoProblems(String what, Collection<String> problems) {
        if (!problems.isEmpty()) {
            fail(what + ":\n  - " + String.join("\n  - ", problems));
        }
    }
}
