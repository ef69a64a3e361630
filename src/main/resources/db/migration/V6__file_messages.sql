-- Which messages use which file (media.file, or a media.url stored at accept): the cleanup job keeps a file
-- while one of its messages has not ended. Rows of ended messages are pruned by the job as it meets them; a
-- deleted file takes its rows with it.
CREATE TABLE file_message (
    file_id     VARCHAR(24) NOT NULL REFERENCES file(id) ON DELETE CASCADE,
    message_id  VARCHAR(24) NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (file_id, message_id)
);
