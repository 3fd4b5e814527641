// Offline check of CQL statements against Cassandra's own parser and table-option validation.
// Input on stdin: records "<file>\t<statement>" separated by NUL bytes (check-cql-cassandra.py writes them).
// For each statement: QueryProcessor.parseStatement() (grammar, reserved words), then, for statements that
// carry table options (CREATE TABLE ... WITH, ALTER TABLE ... WITH), TableAttributes.validate() (unknown or
// removed properties such as dclocal_read_repair_chance, compaction classes that no longer exist such as
// DateTieredCompactionStrategy, unknown compaction sub-options). It needs no server and no schema, so it cannot
// see semantic errors (a missing table or type, a column re-added with another type, guardrails, COMPACT STORAGE).
// Run (Java 11+ single-file launch, with the jars of the Cassandra version to check against on the classpath):
//   java -cp "<cassandra>/lib/*" test/corpus/tools/CqlParseCheck.java < statements.bin
import java.lang.reflect.Field;
import org.apache.cassandra.config.DatabaseDescriptor;
import org.apache.cassandra.cql3.CQLStatement;
import org.apache.cassandra.cql3.QueryProcessor;
import org.apache.cassandra.cql3.statements.schema.TableAttributes;

public class CqlParseCheck {
  public static void main(String[] args) throws Exception {
    DatabaseDescriptor.clientInitialization();
    String all = new String(System.in.readAllBytes(), "UTF-8");
    int ok = 0, failed = 0;
    for (String rec : all.split("\0")) {
      if (rec.isEmpty()) continue;
      int tab = rec.indexOf('\t');
      String file = rec.substring(0, tab), stmt = rec.substring(tab + 1);
      try {
        CQLStatement.Raw raw = QueryProcessor.parseStatement(stmt);
        for (Class<?> c = raw.getClass(); c != null; c = c.getSuperclass()) {
          for (Field f : c.getDeclaredFields()) {
            if (f.getType() == TableAttributes.class) {
              f.setAccessible(true);
              TableAttributes attrs = (TableAttributes) f.get(raw);
              if (attrs != null) attrs.validate();
            }
          }
        }
        ok++;
      } catch (Throwable e) {
        failed++;
        System.out.println("FAIL " + file + ": " + e);
        System.out.println("     " + stmt.replace('\n', ' ').substring(0, Math.min(200, stmt.length())));
      }
    }
    System.out.println("parsed and validated: " + ok + " ok, " + failed + " failed");
    System.exit(failed == 0 ? 0 : 1);
  }
}
