-- Shared client test project (MySQL/MariaDB). Parallel to ../postgresql/schema.sql; the
-- differences are the dialect's: inline ENUM, JSON/BLOB, DATETIME, CHAR(36) for UUIDs, no arrays.

CREATE TABLE users (
  id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email       VARCHAR(255) NOT NULL UNIQUE,
  name        VARCHAR(255),
  age         INT,
  role        ENUM('admin', 'member', 'guest') NOT NULL DEFAULT 'member',
  active      BOOLEAN NOT NULL DEFAULT TRUE,
  balance     DECIMAL(12, 2) NOT NULL DEFAULT 0,
  score       DOUBLE,
  external_id CHAR(36),
  profile     JSON,
  avatar      BLOB,
  birthday    DATE,
  created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at  DATETIME
);

CREATE TABLE posts (
  id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id      BIGINT NOT NULL,
  title        VARCHAR(255) NOT NULL,
  body         TEXT,
  views        INT NOT NULL DEFAULT 0,
  metadata     JSON,
  published_at DATETIME,
  CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE counters (
  name  VARCHAR(100) NOT NULL PRIMARY KEY,
  value BIGINT NOT NULL
);
