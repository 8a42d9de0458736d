package io.duplex.session.protocol;

/**
 * Where a streamed piece of a response belongs: which response, which output item, and which
 * content part of it. Every {@code response.output_*} and {@code response.content_part.*} event
 * carries these four.
 * @param outputIndex the item's position in the response's output
 * @param contentIndex the part's position in the item's content
 */
public record ContentRef(String responseId, String itemId, int outputIndex, int contentIndex) {

}
