package dev.parley.infra;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CloudFormation template evaluated for one set of parameter values, the way CloudFormation would deploy it
 * in a fake account ({@value #ACCOUNT}, {@value #REGION}): {@code Fn::ForEach} expanded as the
 * AWS::LanguageExtensions transform does, conditions decided, and intrinsic functions resolved to plain
 * strings, lists and maps. Anything CloudFormation would reject on the way (a reference to nothing, to a
 * resource whose condition is false, to a missing attribute or mapping key) is a {@link TemplateException}
 * naming where it happened.
 */
final class Template {

    static final String REGION = "us-east-1";
    static final String ACCOUNT = "123456789012";
    static final String PARTITION = "aws";
    static final String STACK = "parley-test";

    /** AWS::NoValue: the property or list item it stands for disappears. */
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    static final Set<String> PSEUDO_PARAMETERS = Set.of("AWS::AccountId", "AWS::NoValue", "AWS::NotificationARNs",
            "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");

    /** Attributes Fn::GetAtt may name, for the resource types whose attributes this evaluator knows. */
    private static final Map<String, Set<String>> ATTRIBUTES = Map.ofEntries(
            Map.entry("AWS::DynamoDB::Table", Set.of("Arn", "StreamArn")),
            Map.entry("AWS::SQS::Queue", Set.of("Arn", "QueueName", "QueueUrl")),
            Map.entry("AWS::IAM::Role", Set.of("Arn", "RoleId")),
            Map.entry("AWS::EC2::SecurityGroup", Set.of("GroupId", "VpcId")),
            Map.entry("AWS::RDS::DBCluster", Set.of("Endpoint.Address", "Endpoint.Port", "ReadEndpoint.Address",
                    "MasterUserSecret.SecretArn", "DBClusterArn", "DBClusterResourceId")),
            Map.entry("AWS::ECS::Cluster", Set.of("Arn")),
            Map.entry("AWS::KMS::Key", Set.of("Arn", "KeyId")),
            Map.entry("AWS::ECS::Service", Set.of("Name", "ServiceArn")),
            Map.entry("AWS::S3::Bucket", Set.of("Arn", "DomainName", "DualStackDomainName", "RegionalDomainName",
                    "WebsiteURL")),
            Map.entry("AWS::Logs::LogGroup", Set.of("Arn")),
            Map.entry("AWS::SecretsManager::Secret", Set.of("Id")),
            Map.entry("AWS::Serverless::Function", Set.of("Arn")));

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    private final Map<String, Object> template;
    private final Map<String, Map<String, Object>> resources = new LinkedHashMap<>();
    private final Map<String, Object> parameters;
    private final List<String> parameterProblems = new ArrayList<>();
    private final Map<String, Boolean> conditions = new HashMap<>();

    private Template(Map<String, Object> raw, Map<String, String> overrides) {
        this.parameters = parameterValues(raw, overrides);
        Object expanded = expand(raw, Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) expanded;
        this.template = map;
        section("Resources").forEach((id, body) -> resources.put(id, asMap(body, "Resources/" + id)));
    }

    /** The template with these parameter values; parameters not given take their default (or a fake value). */
    static Template of(Map<String, Object> raw, Map<String, String> overrides) {
        return new Template(raw, overrides);
    }

    /** The template after Fn::ForEach expansion, before any other evaluation. */
    Map<String, Object> expanded() {
        return template;
    }

    /** Parameter values that the template does not declare or does not allow. */
    List<String> parameterProblems() {
        return parameterProblems;
    }

    Object parameter(String name) {
        return parameters.get(name);
    }

    Set<String> parameterNames() {
        return parameters.keySet();
    }

    Map<String, Object> section(String name) {
        Object section = template == null ? null : template.get(name);
        return section == null ? Map.of() : asMap(section, name);
    }

    /** Every resource the template declares, live or not, by logical id. */
    Map<String, Map<String, Object>> resources() {
        return resources;
    }

    /** The resources that exist with these parameter values (their condition, if any, is true). */
    Map<String, Map<String, Object>> liveResources() {
        Map<String, Map<String, Object>> live = new LinkedHashMap<>();
        resources().forEach((id, body) -> {
            if (isLive(id)) {
                live.put(id, body);
            }
        });
        return live;
    }

    static String type(Map<String, Object> resource) {
        return String.valueOf(resource.get("Type"));
    }

    boolean isLive(String id) {
        Map<String, Object> resource = resources().get(id);
        if (resource == null) {
            return false;
        }
        Object condition = resource.get("Condition");
        return condition == null || condition(String.valueOf(condition));
    }

    boolean condition(String name) {
        Boolean known = conditions.get(name);
        if (known != null) {
            return known;
        }
        Object definition = section("Conditions").get(name);
        if (definition == null) {
            throw new TemplateException("Conditions", "condition '" + name + "' is not declared");
        }
        boolean value = evaluateCondition(definition, "Conditions/" + name);
        conditions.put(name, value);
        return value;
    }

    /** The assertion descriptions of Rules that fail with these parameter values. */
    List<String> ruleFailures() {
        List<String> failures = new ArrayList<>();
        section("Rules").forEach((name, body) -> {
            Map<String, Object> rule = asMap(body, "Rules/" + name);
            Object when = rule.get("RuleCondition");
            if (when != null && !evaluateCondition(when, "Rules/" + name + "/RuleCondition")) {
                return;
            }
            for (Object assertion : asList(rule.get("Assertions"), "Rules/" + name + "/Assertions")) {
                Map<String, Object> a = asMap(assertion, "Rules/" + name + "/Assertions");
                if (!evaluateCondition(a.get("Assert"), "Rules/" + name + "/Assert")) {
                    failures.add(name + ": " + a.get("AssertDescription"));
                }
            }
        });
        return failures;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Resolution of intrinsic functions
    // ---------------------------------------------------------------------------------------------------------

    /** The value of a template node with every intrinsic function applied; {@code path} names it in errors. */
    Object resolve(Object node, String path) {
        if (node == null) {
            return null;
        }
        if (node instanceof String || node instanceof Number || node instanceof Boolean) {
            return String.valueOf(node);
        }
        if (node instanceof List<?> list) {
            List<Object> resolved = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Object item = resolve(list.get(i), path + "/" + i);
                if (item != NO_VALUE) {
                    resolved.add(item);
                }
            }
            return resolved;
        }
        Map<String, Object> map = asMap(node, path);
        if (map.size() == 1) {
            String key = map.keySet().iterator().next();
            if (key.equals("Ref") || key.startsWith("Fn::")) {
                return intrinsic(key, map.get(key), path + "/" + key);
            }
        }
        Map<String, Object> resolved = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            Object item = resolve(value, path + "/" + key);
            if (item != NO_VALUE) {
                resolved.put(key, item);
            }
        });
        return resolved;
    }

    String resolveString(Object node, String path) {
        Object value = resolve(node, path);
        if (value instanceof String s) {
            return s;
        }
        throw new TemplateException(path, "expected a string, got " + value);
    }

    /** What Ref answers for a resource, in the fake account. */
    String refValue(String id, String path) {
        Map<String, Object> resource = requireLive(id, path);
        return switch (type(resource)) {
            case "AWS::DynamoDB::Table" -> tableName(id);
            case "AWS::SQS::Queue" -> "https://sqs." + REGION + ".amazonaws.com/" + ACCOUNT + "/" + queueName(id);
            case "AWS::SecretsManager::Secret" -> secretArn(id);
            default -> id;
        };
    }

    String tableName(String id) {
        String name = property(id, "TableName");
        return name != null ? name : STACK + "-" + id;
    }

    String queueName(String id) {
        String name = property(id, "QueueName");
        return name != null ? name : STACK + "-" + id;
    }

    static String tableArn(String name) {
        return "arn:" + PARTITION + ":dynamodb:" + REGION + ":" + ACCOUNT + ":table/" + name;
    }

    static String queueArn(String name) {
        return "arn:" + PARTITION + ":sqs:" + REGION + ":" + ACCOUNT + ":" + name;
    }

    /** The ARN the evaluator gives the KMS key with logical id {@code id}. */
    static String kmsKeyArn(String id) {
        return "arn:" + PARTITION + ":kms:" + REGION + ":" + ACCOUNT + ":key/" + id.toLowerCase();
    }

    static String roleArn(String id) {
        return "arn:" + PARTITION + ":iam::" + ACCOUNT + ":role/" + id;
    }

    private String secretArn(String id) {
        String name = property(id, "Name");
        return "arn:" + PARTITION + ":secretsmanager:" + REGION + ":" + ACCOUNT + ":secret:"
                + (name != null ? name : id) + "-AbCdEf";
    }

    private String property(String id, String name) {
        Map<String, Object> resource = resources().get(id);
        Object properties = resource.get("Properties");
        if (properties == null) {
            return null;
        }
        Object value = asMap(properties, "Resources/" + id + "/Properties").get(name);
        return value == null ? null : resolveString(value, "Resources/" + id + "/Properties/" + name);
    }

    private Object getAtt(String id, String attribute, String path) {
        Map<String, Object> resource = requireLive(id, path);
        String type = type(resource);
        Set<String> known = ATTRIBUTES.get(type);
        if (known != null && !known.contains(attribute)) {
            throw new TemplateException(path, "Fn::GetAtt " + id + "." + attribute + ": a " + type
                    + " has no attribute " + attribute + " (known: " + known + ")");
        }
        String lowerId = id.toLowerCase();
        return switch (type + "." + attribute) {
            case "AWS::DynamoDB::Table.Arn" -> tableArn(tableName(id));
            case "AWS::DynamoDB::Table.StreamArn" -> tableArn(tableName(id)) + "/stream/2026-01-01T00:00:00.000";
            case "AWS::SQS::Queue.Arn" -> queueArn(queueName(id));
            case "AWS::SQS::Queue.QueueName" -> queueName(id);
            case "AWS::SQS::Queue.QueueUrl" -> refValue(id, path);
            case "AWS::IAM::Role.Arn" -> roleArn(id);
            case "AWS::KMS::Key.Arn" -> kmsKeyArn(id);
            case "AWS::EC2::SecurityGroup.GroupId" -> "sg-" + lowerId;
            case "AWS::RDS::DBCluster.Endpoint.Address" -> lowerId + ".cluster-abc." + REGION + ".rds.amazonaws.com";
            case "AWS::RDS::DBCluster.Endpoint.Port" -> "5432";
            case "AWS::RDS::DBCluster.MasterUserSecret.SecretArn" ->
                    "arn:" + PARTITION + ":secretsmanager:" + REGION + ":" + ACCOUNT + ":secret:rds!cluster-" + lowerId
                            + "-AbCdEf";
            default -> id + "." + attribute;
        };
    }

    private Map<String, Object> requireLive(String id, String path) {
        Map<String, Object> resource = resources().get(id);
        if (resource == null) {
            throw new TemplateException(path, "refers to resource '" + id + "', which is not declared");
        }
        if (!isLive(id)) {
            throw new TemplateException(path, "refers to resource '" + id + "', which does not exist here: its condition "
                    + resource.get("Condition") + " is false");
        }
        return resource;
    }

    private Object intrinsic(String function, Object argument, String path) {
        switch (function) {
            case "Ref" -> {
                String name = resolveString(argument, path);
                if (PSEUDO_PARAMETERS.contains(name)) {
                    return pseudo(name);
                }
                if (parameters.containsKey(name)) {
                    return parameters.get(name);
                }
                if (resources().containsKey(name)) {
                    return refValue(name, path);
                }
                throw new TemplateException(path, "Ref to '" + name + "', which is neither a parameter nor a resource");
            }
            case "Fn::GetAtt" -> {
                List<Object> args = asList(argument, path);
                String id = resolveString(args.get(0), path);
                String attribute = args.size() > 1 ? resolveString(args.get(1), path) : "";
                return getAtt(id, attribute, path);
            }
            case "Fn::Sub" -> {
                return sub(argument, path);
            }
            case "Fn::If" -> {
                List<Object> args = asList(argument, path);
                String condition = resolveString(args.get(0), path);
                return condition(condition) ? resolve(args.get(1), path + "/true") : resolve(args.get(2), path + "/false");
            }
            case "Fn::Join" -> {
                List<Object> args = asList(argument, path);
                String delimiter = resolveString(args.get(0), path);
                List<String> parts = new ArrayList<>();
                for (Object part : asList(resolve(args.get(1), path), path)) {
                    parts.add(String.valueOf(part));
                }
                return String.join(delimiter, parts);
            }
            case "Fn::Select" -> {
                List<Object> args = asList(argument, path);
                int index = Integer.parseInt(resolveString(args.get(0), path));
                List<Object> list = asList(resolve(args.get(1), path), path);
                if (index >= list.size()) {
                    throw new TemplateException(path, "Fn::Select index " + index + " of a list of " + list.size());
                }
                return list.get(index);
            }
            case "Fn::Split" -> {
                List<Object> args = asList(argument, path);
                String delimiter = resolveString(args.get(0), path);
                return List.of((Object[]) resolveString(args.get(1), path).split(Pattern.quote(delimiter), -1));
            }
            case "Fn::FindInMap" -> {
                return findInMap(asList(argument, path), path);
            }
            case "Fn::Length" -> {
                return String.valueOf(asList(resolve(argument, path), path).size());
            }
            case "Fn::Base64", "Fn::ToJsonString" -> {
                return String.valueOf(resolve(argument, path));
            }
            case "Fn::ImportValue" -> {
                return "imported:" + resolveString(argument, path);
            }
            case "Fn::GetAZs" -> {
                return List.of(REGION + "a", REGION + "b", REGION + "c");
            }
            case "Fn::Cidr" -> {
                List<Object> args = asList(argument, path);
                int count = Integer.parseInt(resolveString(args.get(1), path));
                List<Object> blocks = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    blocks.add("10.0." + i + ".0/24");
                }
                return blocks;
            }
            case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or" -> {
                return String.valueOf(evaluateCondition(Map.of(function, argument), path));
            }
            default -> throw new TemplateException(path, "unknown intrinsic function " + function);
        }
    }

    private Object pseudo(String name) {
        return switch (name) {
            case "AWS::NoValue" -> NO_VALUE;
            case "AWS::AccountId" -> ACCOUNT;
            case "AWS::Region" -> REGION;
            case "AWS::Partition" -> PARTITION;
            case "AWS::URLSuffix" -> "amazonaws.com";
            case "AWS::StackName" -> STACK;
            case "AWS::StackId" -> "arn:aws:cloudformation:" + REGION + ":" + ACCOUNT + ":stack/" + STACK + "/1";
            case "AWS::NotificationARNs" -> List.of();
            default -> throw new IllegalArgumentException(name);
        };
    }

    private String sub(Object argument, String path) {
        String text;
        Map<String, Object> variables = new HashMap<>();
        if (argument instanceof String s) {
            text = s;
        } else {
            List<Object> args = asList(argument, path);
            text = resolveString(args.get(0), path);
            if (args.size() > 1) {
                asMap(args.get(1), path).forEach((name, value) ->
                        variables.put(name, resolve(value, path + "/" + name)));
            }
        }
        Matcher m = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value;
            if (name.startsWith("!")) {
                value = "${" + name.substring(1) + "}";
            } else if (variables.containsKey(name)) {
                value = String.valueOf(variables.get(name));
            } else if (name.startsWith("AWS::")) {
                if (!PSEUDO_PARAMETERS.contains(name)) {
                    throw new TemplateException(path, "Fn::Sub names ${" + name + "}, which is not a pseudo parameter");
                }
                value = String.valueOf(pseudo(name));
            } else if (parameters.containsKey(name)) {
                Object parameter = parameters.get(name);
                value = parameter instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                        : String.valueOf(parameter);
            } else if (name.contains(".")) {
                int dot = name.indexOf('.');
                value = String.valueOf(getAtt(name.substring(0, dot), name.substring(dot + 1), path));
            } else if (resources().containsKey(name)) {
                value = refValue(name, path);
            } else {
                throw new TemplateException(path, "Fn::Sub names ${" + name
                        + "}, which is neither a variable, a parameter nor a resource");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private Object findInMap(List<Object> args, String path) {
        String mapName = resolveString(args.get(0), path);
        String top = resolveString(args.get(1), path);
        String second = resolveString(args.get(2), path);
        Object mapping = section("Mappings").get(mapName);
        if (mapping == null) {
            throw new TemplateException(path, "Fn::FindInMap names mapping '" + mapName + "', which is not declared");
        }
        Object level = asMap(mapping, path).get(top);
        Object value = level == null ? null : asMap(level, path).get(second);
        if (value == null) {
            if (args.size() > 3) {
                return resolve(asMap(args.get(3), path).get("DefaultValue"), path);
            }
            throw new TemplateException(path, "Fn::FindInMap " + mapName + "/" + top + "/" + second + " is not in the mapping");
        }
        return resolve(value, path);
    }

    private boolean evaluateCondition(Object node, String path) {
        Map<String, Object> map = asMap(node, path);
        if (map.size() != 1) {
            throw new TemplateException(path, "a condition must be one function, got " + map.keySet());
        }
        String function = map.keySet().iterator().next();
        Object argument = map.get(function);
        return switch (function) {
            case "Condition" -> condition(String.valueOf(argument));
            case "Fn::Equals" -> {
                List<Object> args = asList(argument, path);
                yield Objects.equals(resolve(args.get(0), path), resolve(args.get(1), path));
            }
            case "Fn::Not" -> !evaluateCondition(asList(argument, path).get(0), path + "/Fn::Not");
            case "Fn::And" -> asList(argument, path).stream().allMatch(c -> evaluateCondition(c, path + "/Fn::And"));
            case "Fn::Or" -> asList(argument, path).stream().anyMatch(c -> evaluateCondition(c, path + "/Fn::Or"));
            case "Fn::Contains" -> {
                List<Object> args = asList(argument, path);
                yield asList(resolve(args.get(0), path), path).contains(resolve(args.get(1), path));
            }
            default -> throw new TemplateException(path, "unknown condition function " + function);
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // Parameters and Fn::ForEach
    // ---------------------------------------------------------------------------------------------------------

    private Map<String, Object> parameterValues(Map<String, Object> raw, Map<String, String> overrides) {
        Map<String, Object> declared = raw.get("Parameters") == null ? Map.of() : asMap(raw.get("Parameters"), "Parameters");
        for (String name : overrides.keySet()) {
            if (!declared.containsKey(name)) {
                parameterProblems.add("parameter " + name + " is not declared by the template");
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        declared.forEach((name, body) -> {
            Map<String, Object> p = asMap(body, "Parameters/" + name);
            String type = String.valueOf(p.get("Type"));
            String value = overrides.containsKey(name) ? overrides.get(name)
                    : p.containsKey("Default") ? String.valueOf(p.get("Default")) : fake(name, type);
            check(name, p, type, value);
            values.put(name, type.startsWith("List<") || type.equals("CommaDelimitedList")
                    ? List.of((Object[]) value.split(",", -1)) : value);
        });
        return values;
    }

    /** A stand-in for a parameter without a default, such as a VPC id that only the deployer knows. */
    private static String fake(String name, String type) {
        return switch (type) {
            case "AWS::EC2::VPC::Id" -> "vpc-0123456789abcdef0";
            case "List<AWS::EC2::Subnet::Id>" -> "subnet-0123456789abcdef0,subnet-0123456789abcdef1";
            case "Number" -> "1";
            default -> "test-" + name.toLowerCase();
        };
    }

    private void check(String name, Map<String, Object> p, String type, String value) {
        if (p.get("AllowedValues") instanceof List<?> allowed
                && allowed.stream().map(String::valueOf).noneMatch(value::equals)) {
            parameterProblems.add("parameter " + name + "=" + value + " is not one of " + allowed);
        }
        if (p.get("AllowedPattern") instanceof String pattern && !value.matches(pattern)) {
            parameterProblems.add("parameter " + name + "=" + value + " does not match " + pattern);
        }
        if (type.equals("Number")) {
            try {
                double number = Double.parseDouble(value);
                if (p.get("MinValue") != null && number < Double.parseDouble(String.valueOf(p.get("MinValue")))
                        || p.get("MaxValue") != null && number > Double.parseDouble(String.valueOf(p.get("MaxValue")))) {
                    parameterProblems.add("parameter " + name + "=" + value + " is outside its MinValue/MaxValue");
                }
            } catch (NumberFormatException e) {
                parameterProblems.add("parameter " + name + "=" + value + " is not a number");
            }
        }
    }

    /**
     * Expands {@code Fn::ForEach::Name: [Identifier, Collection, {OutputKey: OutputValue}]} the way the
     * AWS::LanguageExtensions transform does: the identifier is replaced in keys ({@code ${Id}}, {@code &{Id}}),
     * in Fn::Sub strings and in {@code Ref: Id}, nowhere else; an Fn::Sub left without variables becomes a
     * plain string (so {@code Condition: !Sub Shard${Shard}InUse} becomes {@code Condition: Shard0InUse}).
     */
    private Object expand(Object node, Map<String, String> bindings) {
        if (node instanceof List<?> list) {
            List<Object> expanded = new ArrayList<>();
            for (Object item : list) {
                expanded.add(expand(item, bindings));
            }
            return expanded;
        }
        if (!(node instanceof Map<?, ?> raw)) {
            return node;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) raw;
        if (map.size() == 1 && map.get("Ref") instanceof String name && bindings.containsKey(name)) {
            return bindings.get(name);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : map.entrySet()) {
            String key = entry.getKey();
            if (key.startsWith("Fn::ForEach::")) {
                List<Object> loop = asList(entry.getValue(), key);
                String identifier = String.valueOf(loop.get(0));
                for (String item : collection(loop.get(1), key)) {
                    Map<String, String> inner = new HashMap<>(bindings);
                    inner.put(identifier, item);
                    asMap(expand(loop.get(2), inner), key).forEach((k, v) -> {
                        if (out.put(k, v) != null) {
                            throw new TemplateException(key, "Fn::ForEach generates " + k + " twice");
                        }
                    });
                }
                continue;
            }
            Object value = entry.getValue();
            if (key.equals("Fn::Sub") && !bindings.isEmpty()) {
                if (value instanceof String s) {
                    value = substitute(s, bindings);
                } else if (value instanceof List<?> args && !args.isEmpty() && args.get(0) instanceof String s) {
                    List<Object> replaced = new ArrayList<>();
                    replaced.add(substitute(s, bindings));
                    for (int i = 1; i < args.size(); i++) {
                        replaced.add(expand(args.get(i), bindings));
                    }
                    value = replaced;
                }
            } else {
                value = expand(value, bindings);
            }
            out.put(substitute(key, bindings), value);
        }
        if (!bindings.isEmpty() && out.size() == 1 && out.get("Fn::Sub") instanceof String s
                && !SUB_VARIABLE.matcher(s).find()) {
            return s;
        }
        return out;
    }

    private List<String> collection(Object node, String path) {
        if (node instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        Object value = resolve(node, path);
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        throw new TemplateException(path, "Fn::ForEach collection must be a list or a Ref to a list parameter");
    }

    private static String substitute(String text, Map<String, String> bindings) {
        String result = text;
        for (Map.Entry<String, String> b : bindings.entrySet()) {
            result = result.replace("${" + b.getKey() + "}", b.getValue())
                    .replace("&{" + b.getKey() + "}", b.getValue().replaceAll("[^A-Za-z0-9]", ""));
        }
        return result;
    }

    // ---------------------------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object node, String path) {
        if (node instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new TemplateException(path, "expected a mapping, got " + node);
    }

    @SuppressWarnings("unchecked")
    static List<Object> asList(Object node, String path) {
        if (node instanceof List<?> list) {
            return (List<Object>) list;
        }
        throw new TemplateException(path, "expected a list, got " + node);
    }

    /** Something CloudFormation would refuse, with the template path where it happened. */
    static final class TemplateException extends RuntimeException {
        TemplateException(String path, String message) {
            super(path + ": " + message);
        }
    }
}
