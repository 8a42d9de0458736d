package io.duplex.session.conversation;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.security.Caller;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/sessions/{id}/transcript}: what one session's conversation said, as JSON, plain
 * text, WebVTT or SRT; any of the tenant's keys may read it.
 */
@RestController
@ConditionalOnRole(DuplexRole.API)
class TranscriptController {

	private final ConversationService conversations;

	TranscriptController(ConversationService conversations) {
		this.conversations = conversations;
	}

	@GetMapping("/v1/sessions/{id}/transcript")
	Mono<ResponseEntity<Object>> transcript(@AuthenticationPrincipal Caller caller, @PathVariable String id,
			@RequestParam(defaultValue = "json") String format) {
		TranscriptFormat shape = TranscriptFormat.of(format);
		return this.conversations.transcript(caller, id)
			.map((transcript) -> ResponseEntity.ok().contentType(shape.mediaType()).body(render(transcript, shape)));
	}

	private static Object render(Transcript transcript, TranscriptFormat format) {
		return switch (format) {
			case JSON -> TranscriptResponse.from(transcript);
			case TEXT -> Transcripts.text(transcript.items());
			case VTT -> Transcripts.vtt(transcript.items());
			case SRT -> Transcripts.srt(transcript.items());
		};
	}

}
