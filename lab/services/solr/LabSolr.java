import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Runs real Solr nodes (standalone mode, Solr's own embedded Jetty runner from
 * solr-test-framework) in one JVM, to save memory: one per argument
 * "SOLR_HOME@IP:PORT". JettySolrRunner hard-codes 127.0.0.1 as its bind
 * address, so the connector's host is rewritten before start: the lab must
 * listen on 127.77.x.y only.
 */
public class LabSolr {
    public static void main(String[] args) throws Exception {
        List<JettySolrRunner> runners = new ArrayList<>();
        for (String a : args) {
            String home = a.substring(0, a.indexOf('@'));
            String hostPort = a.substring(a.indexOf('@') + 1);
            String ip = hostPort.substring(0, hostPort.lastIndexOf(':'));
            int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
            JettyConfig cfg = JettyConfig.builder().setPort(port).setContext("/solr").stopAtShutdown(true).build();
            JettySolrRunner r = new JettySolrRunner(home, new Properties(), cfg);
            Field f = JettySolrRunner.class.getDeclaredField("server");
            f.setAccessible(true);
            Server server = (Server) f.get(r);
            for (Connector c : server.getConnectors()) {
                ((ServerConnector) c).setHost(ip);
            }
            r.start();
            runners.add(r);
            System.out.println("LabSolr: " + home + " on " + ip + ":" + port);
        }
        Thread.currentThread().join();
    }
}
