package dev.parley.file;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** One page of a file listing, newest first; pass {@code next} as {@code cursor} for the following page. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FilePage(List<FileView> data, String next) {
}
