package io.duplex.session.protocol;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTests {

	@Test
	void idsHaveOpenAiPrefixesAndAUlidBody() {
		assertThat(Ids.event()).matches("event_[0-9A-HJKMNP-TV-Z]{26}");
		assertThat(Ids.item()).matches("item_[0-9A-HJKMNP-TV-Z]{26}");
		assertThat(Ids.response()).startsWith("resp_").hasSize(31);
		assertThat(Ids.call()).startsWith("call_");
	}

	@Test
	void idsAreUniqueAndSortByTime() throws InterruptedException {
		Set<String> ids = new HashSet<>();
		for (int i = 0; i < 100_000; i++) {
			assertThat(ids.add(Ids.next(""))).isTrue();
		}
		String earlier = Ids.item();
		Thread.sleep(2);
		assertThat(Ids.item()).isGreaterThan(earlier);
	}

	@Test
	void timePartEncodesTheMillisecond() {
		long before = System.currentTimeMillis();
		String id = Ids.next("");
		long decoded = 0;
		for (char c : id.substring(0, 10).toCharArray()) {
			decoded = decoded * 32 + "0123456789ABCDEFGHJKMNPQRSTVWXYZ".indexOf(c);
		}
		assertThat(decoded).isBetween(before, System.currentTimeMillis());
	}

}
