// A real Elasticsearch 7.17 node started from Maven Central jars (no distribution
// tarball is obtainable here): the embedded-node pattern of Elasticsearch's own
// test framework, with the Netty4 HTTP/transport plugin on the classpath.
// Usage: java -cp 'lib/*:classes' LabNode HOME HOST HTTP_PORT TRANSPORT_PORT CLUSTER
import java.util.Collections;
import java.util.List;

import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.transport.Netty4Plugin;

public class LabNode extends Node {
    LabNode(Settings settings) {
        super(InternalSettingsPreparer.prepareEnvironment(settings, Collections.emptyMap(), null, () -> "lab-node"),
                List.of(Netty4Plugin.class), true);
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.builder()
                .put("path.home", args[0])
                .put("network.host", args[1])
                .put("http.port", args[2])
                .put("transport.port", args[3])
                .put("cluster.name", args[4])
                .put("node.name", "lab-node-1")
                .put("discovery.type", "single-node")
                .put("http.type", "netty4")
                .put("transport.type", "netty4")
                // A shared CI disk may be nearly full: never turn indices read-only.
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .build();
        LabNode node = new LabNode(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                // exiting anyway
            }
        }));
        node.start();
        Thread.currentThread().join();
    }
}
