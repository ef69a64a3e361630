package dev.parley.message;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** One page of a message listing; pass {@code next} as {@code cursor} to get the following page. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MessagePage(List<MessageView> data, String next) {
}
