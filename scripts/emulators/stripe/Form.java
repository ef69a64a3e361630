import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stripe's form encoding: a[b][0][c]=v and a[]=v into nested maps and lists (indexed lists stay maps by index). */
final class Form {

    private Form() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String body) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return root;
        }
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            List<String> path = new ArrayList<>();
            int bracket = key.indexOf('[');
            path.add(bracket < 0 ? key : key.substring(0, bracket));
            while (bracket >= 0) {
                int close = key.indexOf(']', bracket);
                path.add(key.substring(bracket + 1, close));
                bracket = key.indexOf('[', close);
            }
            Map<String, Object> node = root;
            for (int i = 0; i < path.size() - 1; i++) {
                String part = path.get(i);
                if (path.get(i + 1).isEmpty()) {
                    ((List<Object>) node.computeIfAbsent(part, k -> new ArrayList<>())).add(value);
                    node = null;
                    break;
                }
                node = (Map<String, Object>) node.computeIfAbsent(part, k -> new LinkedHashMap<>());
            }
            if (node != null) {
                node.put(path.getLast(), value);
            }
        }
        return root;
    }
}
