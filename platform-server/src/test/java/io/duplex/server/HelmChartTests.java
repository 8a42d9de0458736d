package io.duplex.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Helm chart lints, renders what the values say, and its schema rejects typos. */
class HelmChartTests {

	private static final Path CHART = Path.of("..", "helm", "duplex").toAbsolutePath().normalize();

	@Test
	void lintPasses() {
		LintResult result = new Helm(CHART).lint().strict().call();
		assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
	}

	@Test
	void defaultsRenderOneDeploymentWithEveryRoleAndHealthProbes() {
		String manifests = new Helm(CHART).template().withName("acme").set("database.url", "postgresql://u:p@db/duplex").call();
		assertThat(manifests).contains("kind: Deployment")
			.contains("name: acme-duplex-platform")
			.contains("value: \"api,session,billing\"")
			.contains("path: /actuator/health/readiness")
			.contains("path: /actuator/health/liveness")
			.contains("name: acme-duplex-database")
			.contains("url: \"postgresql://u:p@db/duplex\"");
	}

	@Test
	void roleGroupsRenderSeparateDeploymentsAndAnExistingSecretIsReferenced(@TempDir Path dir) throws IOException {
		Path values = Files.writeString(dir.resolve("split.yaml"), """
				deployments:
				  platform: null
				  api: {roles: [api, billing], replicas: 2}
				  session: {roles: [session], replicas: 6}
				database:
				  existingSecret: pg-url
				""");
		String manifests = new Helm(CHART).template().withName("prod").withValuesFile(values).call();
		assertThat(manifests).contains("name: prod-duplex-api")
			.contains("name: prod-duplex-session")
			.contains("replicas: 6")
			.contains("value: \"session\"")
			.contains("name: pg-url")
			.doesNotContain("kind: Secret")
			.doesNotContain("prod-duplex-platform");
	}

	@Test
	void secretsKeyRingFromAnExistingSecretBecomesTheContainersEnvironment() {
		String without = new Helm(CHART).template().withName("acme").set("database.url", "postgresql://u:p@db/duplex").call();
		assertThat(without).doesNotContain("envFrom");
		String with = new Helm(CHART).template()
			.withName("acme")
			.set("database.url", "postgresql://u:p@db/duplex")
			.set("secrets.existingSecret", "duplex-key-ring")
			.call();
		assertThat(with).contains("envFrom:").contains("secretRef:").contains("name: duplex-key-ring");
	}

	@Test
	void dataDirectoryIsAVolumeOfItsOwnAnEmptyDirUnlessOneIsGiven(@TempDir Path dir) throws IOException {
		String defaults = new Helm(CHART).template().withName("acme").set("database.url", "postgresql://u:p@db/duplex").call();
		assertThat(defaults).contains("name: DUPLEX_DATA_DIR")
			.contains("value: /var/lib/duplex")
			.contains("mountPath: /var/lib/duplex")
			.contains("emptyDir:")
			.contains("sizeLimit: 512Mi");
		Path values = Files.writeString(dir.resolve("claim.yaml"), """
				database: {url: "postgresql://u:p@db/duplex"}
				dataVolume:
				  source: {persistentVolumeClaim: {claimName: duplex-spool}}
				""");
		String claimed = new Helm(CHART).template().withName("acme").withValuesFile(values).call();
		assertThat(claimed).contains("claimName: duplex-spool").doesNotContain("emptyDir:");
	}

	@Test
	void probesAndMetricsUseTheManagementPortWhichNoApiServiceExposes() {
		String manifests = new Helm(CHART).template().withName("acme").set("database.url", "postgresql://u:p@db/duplex").call();
		assertThat(manifests).contains("name: MANAGEMENT_SERVER_PORT\n              value: \"9090\"")
			.contains("name: MANAGEMENT_SERVER_ADDRESS\n              value: \"0.0.0.0\"")
			.contains("- name: management\n              containerPort: 9090")
			.contains("httpGet: {path: /actuator/health/liveness, port: management}")
			.contains("httpGet: {path: /actuator/health/readiness, port: management}")
			.doesNotContain("port: http}")
			.contains("prometheus.io/scrape: \"true\"")
			.contains("prometheus.io/port: \"9090\"")
			.contains("prometheus.io/path: /actuator/prometheus")
			.doesNotContain("kind: ServiceMonitor");
		// the API's Service: port 8080 only
		String service = manifests.substring(manifests.indexOf("kind: Service\n"));
		service = service.substring(0, service.indexOf("---") > 0 ? service.indexOf("---") : service.length());
		assertThat(service).contains("port: 8080").doesNotContain("9090").doesNotContain("management");
	}

	@Test
	void serviceMonitorWhenEnabledScrapesAMetricsServiceOfTheManagementPortOnly() {
		String manifests = new Helm(CHART).template()
			.withName("acme")
			.set("database.url", "postgresql://u:p@db/duplex")
			.set("management.port", 9191)
			.set("metrics.podAnnotations", false)
			.set("metrics.serviceMonitor.enabled", true)
			.set("metrics.serviceMonitor.labels.release", "prometheus")
			.call();
		assertThat(manifests).contains("kind: ServiceMonitor")
			.contains("name: acme-duplex-platform-metrics")
			.contains("release: prometheus")
			.contains("port: 9191")
			.contains("path: /actuator/prometheus")
			.contains("port: management}")
			.doesNotContain("prometheus.io/scrape");
		assertThatThrownBy(() -> new Helm(CHART).template().set("management.port", 8080).call())
			.hasMessageContaining("management");
	}

	@Test
	void schemaRejectsAMisspeltValueAndAnUnknownRole() {
		assertThatThrownBy(() -> new Helm(CHART).template().set("replicaz", 2).call()).hasMessageContaining("replicaz");
		assertThatThrownBy(() -> new Helm(CHART).template().set("deployments.platform.roles[0]", "router").call())
			.hasMessageContaining("roles");
	}

}
