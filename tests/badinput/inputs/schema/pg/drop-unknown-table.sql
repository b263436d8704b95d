DROP TABLE ghosts;
