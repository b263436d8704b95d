CREATE TABLE `order` (
  id         BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer   VARCHAR(100) NOT NULL,
  status     ENUM('new', 'paid', 'shipped') NOT NULL DEFAULT 'new',
  total      DECIMAL(10, 2) NOT NULL,
  note       TEXT,
  placed_at  DATETIME NOT NULL
);
