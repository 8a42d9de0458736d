package io.duplex.session.cascade;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How streamed text is read: server-sent events cut anywhere, and sentences cut for speech. */
class CascadeTextStreamTests {

	@Test
	void eventsWhenBytesArriveCutAnywhereThenEachEventsDataWholeEvenWithinACharacter() {
		byte[] stream = ("data: {\"content\":\"Grüße\"}\n\n: keep-alive\n\nevent: x\nid: 7\ndata: a\ndata: b\r\n\r\n"
				+ "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);
		for (int cut = 1; cut < stream.length; cut++) {
			ServerSentEvents events = new ServerSentEvents();
			List<String> data = new ArrayList<>(events.feed(Arrays.copyOfRange(stream, 0, cut)));
			data.addAll(events.feed(Arrays.copyOfRange(stream, cut, stream.length)));
			data.addAll(events.end());
			assertThat(data).as("cut at %d", cut).containsExactly("{\"content\":\"Grüße\"}", "a\nb", "[DONE]");
		}
	}

	@Test
	void eventsWhenStreamEndsWithoutBlankLineThenLastEventStillCounts() {
		ServerSentEvents events = new ServerSentEvents();
		assertThat(events.feed("data: last".getBytes(StandardCharsets.UTF_8))).isEmpty();
		assertThat(events.end()).containsExactly("last");
	}

	@Test
	void sentencesWhenTextStreamsThenEachEndsAtItsMarkFollowedBySpace() {
		Sentences sentences = new Sentences();
		List<String> done = new ArrayList<>();
		for (String token : List.of("It", " is", " 3.", "14 m", "eters.", " Really?!", " \"Yes.\"", " Fine\n", "And")) {
			done.addAll(sentences.add(token));
		}
		done.addAll(sentences.end());
		assertThat(done).containsExactly("It is 3.14 meters.", "Really?!", "\"Yes.\"", "Fine", "And");
	}

	@Test
	void sentencesWhenOneNeverEndsThenCutAtASpaceBeforeTheLimit() {
		Sentences sentences = new Sentences();
		List<String> done = sentences.add("word ".repeat(100));
		assertThat(done).isNotEmpty().allSatisfy((sentence) -> assertThat(sentence.length()).isLessThanOrEqualTo(
				Sentences.MAX_CHARS));
		assertThat(done.get(0)).endsWith("word");
		assertThat(String.join(" ", done) + " " + String.join("", sentences.end())).isEqualTo("word ".repeat(100).strip());
	}

}
