-- Sign-in attempts per address and per account (see services/login_limits.py).

-- name: count_login_attempt
-- One more attempt under $1 in a window of $2 seconds (a lapsed window starts again at 1): the
-- attempts so far and the seconds until the window ends. Atomic, whichever process asks.
INSERT INTO login_attempts AS a (key) VALUES ($1)
ON CONFLICT (key) DO UPDATE SET
    attempts = CASE WHEN a.window_start <= now() - make_interval(secs => $2) THEN 1
                    ELSE a.attempts + 1 END,
    window_start = CASE WHEN a.window_start <= now() - make_interval(secs => $2) THEN now()
                        ELSE a.window_start END
RETURNING attempts,
          ceil(extract(epoch FROM a.window_start + make_interval(secs => $2) - now()))::int
              AS retry_after;

-- name: login_attempts
-- The attempts under $1 in its current window of $2 seconds, and the seconds it has left.
SELECT attempts,
       ceil(extract(epoch FROM window_start + make_interval(secs => $2) - now()))::int AS retry_after
FROM login_attempts
WHERE key = $1 AND window_start > now() - make_interval(secs => $2);

-- name: forget_login_attempts
DELETE FROM login_attempts WHERE key = $1;

-- name: forget_old_login_attempts
DELETE FROM login_attempts WHERE window_start < now() - interval '1 day';
