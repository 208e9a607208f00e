import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Seeds the lab broker with Kafka's own client (an implementation independent
 * of the probe's): topic sms-logs (3 partitions, SMS messages with +1555
 * numbers), customer-events (e-mails) and app-config (gzip-compressed, with
 * passwords). The probe never writes; only this seeder does.
 *   LabSeed BOOTSTRAP SMS CUSTOMERS
 */
public class LabSeed {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int sms = Integer.parseInt(args[1]), customers = Integer.parseInt(args[2]);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic("sms-logs", 3, (short) 1),
                    new NewTopic("customer-events", 1, (short) 1),
                    new NewTopic("app-config", 1, (short) 1))).all().get();
        }
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> prod = new KafkaProducer<>(p)) {
            for (int i = 1; i <= sms; i++) {
                String v = String.format("{\"from\":\"+1555%07d\",\"to\":\"+1555%07d\",\"body\":\"Your verification code is %06d\",\"sent_at\":\"2024-01-%02dT10:00:00Z\"}",
                        1000000 + i, 5000000 + i, (i * 7919) % 1000000, 1 + i % 28);
                prod.send(new ProducerRecord<>("sms-logs", i % 3, "msg-" + i, v));
            }
            for (int i = 1; i <= customers; i++) {
                prod.send(new ProducerRecord<>("customer-events", "cust-" + i,
                        String.format("{\"event\":\"signup\",\"email\":\"customer%d@example.com\",\"phone\":\"+1555%07d\"}", i, 2000000 + i)));
            }
            prod.flush();
        }
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
        try (KafkaProducer<String, String> prod = new KafkaProducer<>(p)) {
            prod.send(new ProducerRecord<>("app-config", "db", "{\"host\":\"db01.corp.internal\",\"user\":\"smsgw\",\"password\":\"Hunter42!prod\"}"));
            prod.send(new ProducerRecord<>("app-config", "twilio", "{\"api_key\":\"FAKEtok_9f8e7d6c5b4a39281706\"}"));
            prod.send(new ProducerRecord<>("app-config", "billing", "{\"url\":\"http://billing.corp.internal:8080\"}"));
            prod.flush();
        }
        System.out.println("LabSeed: done");
    }
}
