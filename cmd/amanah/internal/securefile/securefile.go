// Package securefile writes files that hold secrets: private keys, the wallet,
// credentials and presentations. Files are created with mode 0600 and replaced
// atomically (temporary file in the same directory, fsync, rename), so a crash
// never leaves a half-written file behind.
package securefile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Mode is the permission of every file this package writes.
const Mode os.FileMode = 0o600

// DirMode is the permission of directories this package creates.
const DirMode os.FileMode = 0o700

// ErrExists is returned by Write when the file exists and overwrite is false.
var ErrExists = errors.New("file exists")

// Write stores data at path with mode 0600. Unless overwrite is set, an
// existing file is an error wrapping ErrExists (checked without a race: the
// final step is a hard link that fails if the name is taken). Missing parent
// directories are created with mode 0700.
func Write(path string, data []byte, overwrite bool) error {
	if path == "" {
		return errors.New("empty file name")
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return fmt.Errorf("create directory %s: %w", dir, err)
	}
	if !overwrite {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s: %w (use --force to replace it)", path, ErrExists)
		}
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file in %s: %w", dir, err)
	}
	name := tmp.Name()
	committed := false
	defer func() {
		if !committed {
			_ = os.Remove(name)
		}
	}()
	if err := tmp.Chmod(Mode); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("chmod %s: %w", name, err)
	}
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("sync %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", name, err)
	}
	if overwrite {
		if err := os.Rename(name, path); err != nil {
			return fmt.Errorf("replace %s: %w", path, err)
		}
	} else {
		// Link fails with EEXIST if another process created path meanwhile.
		if err := os.Link(name, path); err != nil {
			if errors.Is(err, os.ErrExist) {
				return fmt.Errorf("%s: %w (use --force to replace it)", path, ErrExists)
			}
			return fmt.Errorf("create %s: %w", path, err)
		}
		_ = os.Remove(name)
	}
	committed = true
	syncDir(dir)
	return nil
}

// syncDir makes a rename durable; failures are ignored (not every file system
// supports fsync on directories).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// ReadLimited reads at most limit bytes of path; a larger file is an error, so
// a wrong argument (a disk image, /dev/zero) never exhausts memory.
func ReadLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return b, nil
}
