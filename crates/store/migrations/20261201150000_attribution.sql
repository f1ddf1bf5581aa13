-- Attribution: spans and metric points by time across services (the
-- engine's window reads), and the report stored with each alert episode.
CREATE INDEX spans_start ON spans (start_unix_nano);
CREATE INDEX metric_points_time ON metric_points (time_unix_nano);
ALTER TABLE alert_episodes ADD COLUMN attribution TEXT CHECK (attribution IS NULL OR json_valid(attribution));
