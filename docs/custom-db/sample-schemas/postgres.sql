-- Gatehouse sample legacy user database — PostgreSQL dialect.
--
-- A typical `users` table of an application that predates Gatehouse: a serial id, bcrypt password
-- hashes (cost 10), a few profile columns named the application's way (avatar_url, given_name, …), and
-- an `email_verified` flag. The `postgres` template scripts read and write exactly this table; see
-- docs/custom-db/templates.md for how its columns map to Gatehouse profile fields and how to adapt the
-- scripts to a table of your own.
--
-- Load it into an empty database:   psql "$DB_CONNECTION_URI" -f postgres.sql
-- The seed users and their passwords are listed in docs/custom-db/templates.md.

CREATE TABLE users (
  id             serial PRIMARY KEY,
  email          varchar(255),                 -- compared case-insensitively (see the index below)
  username       varchar(64),                  -- case-sensitive
  phone          varchar(32),                  -- E.164, e.g. +14155550101
  password_hash  varchar(60),                  -- bcrypt ($2a$/$2b$), cost 10; NULL = no password login
  nickname       varchar(100),
  name           varchar(200),
  given_name     varchar(100),
  family_name    varchar(100),
  avatar_url     varchar(500),
  gender         char(1) CHECK (gender IN ('M', 'F', 'U')),
  birthdate      date,
  email_verified boolean NOT NULL DEFAULT false,
  disabled       boolean NOT NULL DEFAULT false, -- a disabled account is returned as `blocked: true`
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- One account per email address whatever its case; usernames and phone numbers are unique as written.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE UNIQUE INDEX users_username_key ON users (username);
CREATE UNIQUE INDEX users_phone_key ON users (phone);

-- Seed users (ids 1–6). Passwords: see docs/custom-db/templates.md#seed-users.
INSERT INTO users
  (email, username, phone, password_hash, nickname, name, given_name, family_name, avatar_url, gender,
   birthdate, email_verified, disabled, created_at, updated_at)
VALUES
  ('ada.lovelace@example.com', 'ada', '+14155550101',
   '$2b$10$9wmddsU8B2j7YtbJ06PqxOBdqDVGeTkVp7d07CkFAwczIQwvHXLj6',
   'Ada', 'Ada Lovelace', 'Ada', 'Lovelace', 'https://avatars.example.com/ada.png', 'F',
   '1815-12-10', true, false, '2016-03-01 09:00:00+00', '2021-07-14 18:30:00+00'),
  ('alan.turing@example.com', 'alan_turing', '+447700900123',
   '$2b$10$An88pSyn0Zd4oCW8j6WW1eiZ3Yn8yKjOET2MSS56OaaLmh8yseq/O',
   'Alan', 'Alan Turing', 'Alan', 'Turing', NULL, 'M',
   '1912-06-23', true, false, '2016-03-02 10:15:00+00', '2016-03-02 10:15:00+00'),
  ('grace.hopper@example.com', 'grace', NULL,
   '$2b$10$F6HCX2l5KRiyT4HuIICLluEspG7n/OyUf8DpH4PBNKKWe3OA1rzPy',
   'Amazing Grace', 'Grace Hopper', 'Grace', 'Hopper', 'https://avatars.example.com/grace.png', 'F',
   '1906-12-09', false, false, '2017-11-20 08:45:00+00', '2019-01-05 12:00:00+00'),
  ('Linus@Example.com', NULL, '+358401234567',
   '$2b$10$UHW.2wIMKZ/qGBBIO7u/0uqCjobFOPG8fc9FwfEZgU0BKFaJLknX2',
   NULL, 'Linus Torvalds', 'Linus', 'Torvalds', NULL, 'M',
   NULL, false, false, '2018-05-30 16:20:00+00', '2018-05-30 16:20:00+00'),
  ('margaret.hamilton@example.com', 'mhamilton', '+16175550199',
   '$2b$10$t4.rrEvX0b6FajTIg7HR9OJ9S63gKLy10oHzZnky0jJz3oJe4whuu',
   'Margaret', 'Margaret Hamilton', 'Margaret', 'Hamilton', NULL, 'F',
   '1936-08-17', true, true, '2019-07-16 13:32:00+00', '2023-02-01 07:00:00+00'),
  ('edsger@example.com', 'Edsger', NULL,
   '$2b$10$WaGxn4pfFxeptwfd6SfNDOMDay51G4dDbCGfIZl1O0uFZKl.f1Z8.',
   NULL, 'Edsger W. Dijkstra', 'Edsger', 'Dijkstra', NULL, 'U',
   '1930-05-11', true, false, '2020-01-01 00:00:00+00', '2020-01-01 00:00:00+00');
