// Loads .properties files with java.util.Properties (the parser Kafka Connect and the Debezium Cassandra
// agent use) and prints each file's entries as JSON lines, failing on a duplicate key.
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

public class PropsCheck {
    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    public static void main(String[] args) throws Exception {
        for (String file : args) {
            Map<String, String> seen = new TreeMap<>();
            Properties p = new Properties() {
                @Override
                public synchronized Object put(Object k, Object v) {
                    if (containsKey(k)) throw new IllegalStateException("duplicate key " + k + " in " + file);
                    seen.put((String) k, (String) v);
                    return super.put(k, v);
                }
            };
            try (InputStream in = new FileInputStream(file)) {
                p.load(in);
            }
            StringBuilder out = new StringBuilder("{\"file\":" + json(file) + ",\"entries\":{");
            boolean first = true;
            for (Map.Entry<String, String> e : seen.entrySet()) {
                if (!first) out.append(',');
                first = false;
                out.append(json(e.getKey())).append(':').append(json(e.getValue()));
            }
            System.out.println(out.append("}}"));
        }
    }
}
