-- Gatehouse sample legacy user database — MySQL / MariaDB dialect.
--
-- The same `users` table as postgres.sql, written the way MySQL applications usually write it: an
-- AUTO_INCREMENT id, TINYINT(1) flags (0/1), a case-insensitive collation for the table (so email
-- comparisons ignore case) and a binary collation for `username` (usernames are case-sensitive).
-- The `mysql` template scripts read and write exactly this table; see docs/custom-db/templates.md.
--
-- Load it into an empty database:   mysql -u root legacy < mysql.sql
-- The seed users and their passwords are listed in docs/custom-db/templates.md.

CREATE TABLE users (
  id             INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email          VARCHAR(255) NULL,                          -- case-insensitive (table collation)
  username       VARCHAR(64) COLLATE utf8mb4_bin NULL,       -- case-sensitive
  phone          VARCHAR(32) NULL,                           -- E.164, e.g. +14155550101
  password_hash  VARCHAR(60) COLLATE utf8mb4_bin NULL,       -- bcrypt, cost 10; NULL = no password login
  nickname       VARCHAR(100) NULL,
  name           VARCHAR(200) NULL,
  given_name     VARCHAR(100) NULL,
  family_name    VARCHAR(100) NULL,
  avatar_url     VARCHAR(500) NULL,
  gender         CHAR(1) NULL CHECK (gender IN ('M', 'F', 'U')),
  birthdate      DATE NULL,
  email_verified TINYINT(1) NOT NULL DEFAULT 0,
  disabled       TINYINT(1) NOT NULL DEFAULT 0,              -- a disabled account is returned as `blocked: true`
  created_at     TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at     TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY users_email_key (email),
  UNIQUE KEY users_username_key (username),
  UNIQUE KEY users_phone_key (phone)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Seed users (ids 1–6). Passwords: see docs/custom-db/templates.md#seed-users.
INSERT INTO users
  (email, username, phone, password_hash, nickname, name, given_name, family_name, avatar_url, gender,
   birthdate, email_verified, disabled, created_at, updated_at)
VALUES
  ('ada.lovelace@example.com', 'ada', '+14155550101',
   '$2b$10$9wmddsU8B2j7YtbJ06PqxOBdqDVGeTkVp7d07CkFAwczIQwvHXLj6',
   'Ada', 'Ada Lovelace', 'Ada', 'Lovelace', 'https://avatars.example.com/ada.png', 'F',
   '1815-12-10', 1, 0, '2016-03-01 09:00:00', '2021-07-14 18:30:00'),
  ('alan.turing@example.com', 'alan_turing', '+447700900123',
   '$2b$10$An88pSyn0Zd4oCW8j6WW1eiZ3Yn8yKjOET2MSS56OaaLmh8yseq/O',
   'Alan', 'Alan Turing', 'Alan', 'Turing', NULL, 'M',
   '1912-06-23', 1, 0, '2016-03-02 10:15:00', '2016-03-02 10:15:00'),
  ('grace.hopper@example.com', 'grace', NULL,
   '$2b$10$F6HCX2l5KRiyT4HuIICLluEspG7n/OyUf8DpH4PBNKKWe3OA1rzPy',
   'Amazing Grace', 'Grace Hopper', 'Grace', 'Hopper', 'https://avatars.example.com/grace.png', 'F',
   '1906-12-09', 0, 0, '2017-11-20 08:45:00', '2019-01-05 12:00:00'),
  ('Linus@Example.com', NULL, '+358401234567',
   '$2b$10$UHW.2wIMKZ/qGBBIO7u/0uqCjobFOPG8fc9FwfEZgU0BKFaJLknX2',
   NULL, 'Linus Torvalds', 'Linus', 'Torvalds', NULL, 'M',
   NULL, 0, 0, '2018-05-30 16:20:00', '2018-05-30 16:20:00'),
  ('margaret.hamilton@example.com', 'mhamilton', '+16175550199',
   '$2b$10$t4.rrEvX0b6FajTIg7HR9OJ9S63gKLy10oHzZnky0jJz3oJe4whuu',
   'Margaret', 'Margaret Hamilton', 'Margaret', 'Hamilton', NULL, 'F',
   '1936-08-17', 1, 1, '2019-07-16 13:32:00', '2023-02-01 07:00:00'),
  ('edsger@example.com', 'Edsger', NULL,
   '$2b$10$WaGxn4pfFxeptwfd6SfNDOMDay51G4dDbCGfIZl1O0uFZKl.f1Z8.',
   NULL, 'Edsger W. Dijkstra', 'Edsger', 'Dijkstra', NULL, 'U',
   '1930-05-11', 1, 0, '2020-01-01 00:00:00', '2020-01-01 00:00:00');
