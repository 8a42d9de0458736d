package io.duplex.core.id;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTests {

	@Test
	void newIdWhenManyInTheSameMillisecondThenTheySortInTheOrderTheyWereMade() {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			ids.add(Ids.newId("sess"));
		}
		assertThat(ids).isSorted().doesNotHaveDuplicates();
		assertThat(ids).allSatisfy((id) -> assertThat(Ids.looksLike("sess", id)).isTrue());
	}

	@Test
	void ulidWhenTheClockStepsBackThenIdsStillIncrease() {
		String later = Ids.ulid(System.currentTimeMillis() + 60_000);
		String earlier = Ids.ulid(System.currentTimeMillis());
		assertThat(earlier).isGreaterThan(later);
	}

}
