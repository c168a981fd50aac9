package catalog

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestOpenFresh(t *testing.T) {
	ctx := context.Background()
	c, path := openTest(t)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file: %v", err)
	}
	want := latestVersion(migrations())
	if got, err := schemaVersion(ctx, c.r); err != nil || got != want {
		t.Errorf("schema version = %d, %v; want %d", got, err, want)
	}
	var userVersion int
	var journal string
	var fk int
	if err := c.w.QueryRow(`PRAGMA user_version`).Scan(&userVersion); err != nil {
		t.Fatal(err)
	}
	if err := c.w.QueryRow(`PRAGMA journal_mode`).Scan(&journal); err != nil {
		t.Fatal(err)
	}
	if err := c.w.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil {
		t.Fatal(err)
	}
	if userVersion != want || journal != "wal" || fk != 1 {
		t.Errorf("user_version, journal_mode, foreign_keys = %d, %q, %d; want %d, \"wal\", 1", userVersion, journal, fk, want)
	}
	// The tables researchers read are there under their names.
	for _, table := range []string{"questions", "versions", "events", "captures", "tracking", "runs", "schema_migrations"} {
		if n := count(t, c, "sqlite_master", "type = 'table' AND name = ?", table); n != 1 {
			t.Errorf("table %s: got %d; want 1", table, n)
		}
	}

	// Reopening applies nothing again.
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// Closed, the catalog is one file a researcher can copy.
	if _, err := os.Stat(path + "-wal"); !os.IsNotExist(err) {
		t.Errorf("WAL file after Close: %v; want none", err)
	}
	c2, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer c2.Close()
	if n := count(t, c2, "schema_migrations", "1"); n != want {
		t.Errorf("schema_migrations rows after reopen = %d; want %d", n, want)
	}
}

func TestEmbeddedMigrations(t *testing.T) {
	ms := migrations()
	if len(ms) == 0 || ms[0].version != 1 || ms[0].name != "0001_init" {
		t.Fatalf("embedded migrations = %+v; want 0001_init first", ms)
	}
}

func TestLoadMigrationsRejects(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"gap":      {"0001_a.sql": {Data: []byte("SELECT 1")}, "0003_c.sql": {Data: []byte("SELECT 1")}},
		"bad name": {"first.sql": {Data: []byte("SELECT 1")}},
		"zero":     {"0000_a.sql": {Data: []byte("SELECT 1")}},
	} {
		if ms, err := loadMigrations(fsys); err == nil {
			t.Errorf("%s: loadMigrations = %+v; want an error", name, ms)
		}
	}
}

// openRaw opens a database without migrating it.
func openRaw(t *testing.T) *sql.DB {
	t.Helper()
	d, err := dsn(filepath.Join(t.TempDir(), "raw.db"), false)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", d)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrateExisting(t *testing.T) {
	ctx := context.Background()
	v1 := fstest.MapFS{"0001_notes.sql": {Data: []byte(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);`)}}
	v2 := fstest.MapFS{
		"0001_notes.sql":  v1["0001_notes.sql"],
		"0002_author.sql": {Data: []byte("ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT '';\nCREATE INDEX notes_by_author ON notes (author);")},
	}
	load := func(fsys fstest.MapFS) []migration {
		ms, err := loadMigrations(fsys)
		if err != nil {
			t.Fatal(err)
		}
		return ms
	}
	version := func(db *sql.DB) int {
		v, err := schemaVersion(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	db := openRaw(t)
	if err := migrate(ctx, db, load(v1)); err != nil {
		t.Fatalf("migrate to 1: %v", err)
	}
	if _, err := db.Exec(`INSERT INTO notes (body) VALUES ('kept')`); err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, db, load(v2)); err != nil {
		t.Fatalf("migrate to 2: %v", err)
	}
	if got := version(db); got != 2 {
		t.Errorf("version = %d; want 2", got)
	}
	var body, author string
	if err := db.QueryRow(`SELECT body, author FROM notes`).Scan(&body, &author); err != nil || body != "kept" {
		t.Errorf("row after migration = %q, %q, %v; want \"kept\", \"\"", body, author, err)
	}
	// Migrating again is a no-op.
	if err := migrate(ctx, db, load(v2)); err != nil {
		t.Fatalf("migrate again: %v", err)
	}

	// A failing migration leaves nothing of itself behind.
	v3 := fstest.MapFS{
		"0001_notes.sql":  v2["0001_notes.sql"],
		"0002_author.sql": v2["0002_author.sql"],
		"0003_broken.sql": {Data: []byte("CREATE TABLE tags (name TEXT);\nALTER TABLE nowhere ADD COLUMN x TEXT;")},
	}
	err := migrate(ctx, db, load(v3))
	if err == nil || !strings.Contains(err.Error(), "0003_broken") {
		t.Fatalf("migrate broken = %v; want an error naming 0003_broken", err)
	}
	if got := version(db); got != 2 {
		t.Errorf("version after failed migration = %d; want 2", got)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'tags'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("table of the failed migration exists: %d, %v", n, err)
	}

	// A database newer than the code is refused.
	err = migrate(ctx, db, load(v1))
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("migrate with older code = %v; want a 'newer' error", err)
	}
}

func TestOpenRejectsNewerSchema(t *testing.T) {
	ctx := context.Background()
	c, path := openTest(t)
	if _, err := c.w.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future', '2030-01-01T00:00:00.000Z')`); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if c2, err := Open(ctx, path); err == nil {
		c2.Close()
		t.Fatal("Open of a newer schema succeeded; want an error")
	}
	if c2, err := OpenReadOnly(ctx, path); err == nil {
		c2.Close()
		t.Fatal("OpenReadOnly of a newer schema succeeded; want an error")
	}
}
