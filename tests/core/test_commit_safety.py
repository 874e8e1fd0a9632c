"""Commits never lose work: files changed on disk, links, modes, owners, read-only files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from graph_sitter import Codebase
from graph_sitter.core.edits import EditError
from graph_sitter.core.errors import (
    ChangedOnDiskError,
    CodebaseError,
    PathOutsideCodebaseError,
    ReadOnlyFileError,
)

A = "def helper():\n    return 1\n"
B = "from a import helper\n\n\ndef main():\n    return helper()\n"
USER_FUNCTION = "\n\ndef written_by_the_user():\n    return 42\n"


def make_tree(root: Path) -> Codebase:
    root.mkdir(exist_ok=True)
    (root / "a.py").write_text(A)
    (root / "b.py").write_text(B)
    return Codebase(root, cache_dir="")


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".graph-sitter" not in p.parts
    }


def test_commit_refuses_to_overwrite_a_file_changed_on_disk(tmp_path: Path) -> None:
    cb = make_tree(tmp_path)
    with (tmp_path / "a.py").open("a") as editor:  # the user saves a new function meanwhile
        editor.write(USER_FUNCTION)
    before = tree_bytes(tmp_path)
    cb.get_function("helper").rename("assist")

    with pytest.raises(ChangedOnDiskError) as err:
        cb.commit()

    assert isinstance(err.value, CodebaseError)
    assert err.value.changed == ["a.py"] and err.value.paths == ["a.py"]
    assert "a.py" in str(err.value) and "cb.refresh()" in str(err.value)
    assert tree_bytes(tmp_path) == before  # nothing written, no temporary file left
    assert "written_by_the_user" in (tmp_path / "a.py").read_text()

    assert cb.refresh() == ["a.py"]
    cb.get_function("helper").rename("assist")
    cb.commit()
    assert (tmp_path / "a.py").read_text() == A.replace("helper", "assist") + USER_FUNCTION
    assert (tmp_path / "b.py").read_text() == B.replace("helper", "assist")


def test_commit_never_resurrects_a_deleted_file(tmp_path: Path) -> None:
    cb = make_tree(tmp_path)
    (tmp_path / "b.py").unlink()
    cb.get_function("helper").rename("assist")
    with pytest.raises(ChangedOnDiskError) as err:
        cb.commit()
    assert err.value.deleted == ["b.py"] and err.value.changed == []
    assert "deleted: b.py" in str(err.value)
    assert not (tmp_path / "b.py").exists()
    assert (tmp_path / "a.py").read_text() == A


def test_commit_does_not_overwrite_a_file_created_meanwhile(tmp_path: Path) -> None:
    cb = make_tree(tmp_path)
    cb.create_file("c.py", "x = 1\n")
    (tmp_path / "c.py").write_text("mine = True\n")
    with pytest.raises(ChangedOnDiskError) as err:
        cb.commit()
    assert err.value.created == ["c.py"]
    assert (tmp_path / "c.py").read_text() == "mine = True\n"


def test_a_file_rewritten_with_the_same_content_still_commits(tmp_path: Path) -> None:
    cb = make_tree(tmp_path)
    (tmp_path / "a.py").unlink()
    (tmp_path / "a.py").write_text(A)  # e.g. a checkout that rewrote it
    cb.get_function("helper").rename("assist")
    cb.commit()
    assert "def assist" in (tmp_path / "a.py").read_text()
    assert cb.refresh() == []


def test_edits_go_through_a_symlink_and_keep_it(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "real.py").write_text(A)
    os.symlink("real.py", pkg / "alias.py")
    cb = Codebase(tmp_path, cache_dir="")
    assert {f.filepath for f in cb.files} == {"pkg/alias.py", "pkg/real.py"}

    cb.get_function("pkg/alias.py::helper").rename("assist")
    cb.commit()

    assert os.readlink(pkg / "alias.py") == "real.py"
    assert (pkg / "real.py").read_text() == A.replace("helper", "assist")
    assert cb.get_file("pkg/real.py").content == A.replace("helper", "assist")  # type: ignore[union-attr]
    assert cb.refresh() == []  # the graph agrees with the disk for both names
    assert [p.name for p in pkg.iterdir() if p.name.startswith(".gs-")] == []


def test_different_edits_to_two_names_of_one_file_are_refused(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "real.py").write_text(A)
    os.symlink("real.py", pkg / "alias.py")
    cb = Codebase(tmp_path, cache_dir="")
    cb.get_function("pkg/alias.py::helper").rename("assist")
    cb.get_function("pkg/real.py::helper").rename("other")
    with pytest.raises(EditError, match=r"same file on disk"):
        cb.commit()
    assert (pkg / "real.py").read_text() == A


def test_a_symlink_repointed_outside_the_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "real.py").write_text(A)
    os.symlink("real.py", root / "alias.py")
    cb = Codebase(root, cache_dir="")
    outside = tmp_path / "outside.py"
    outside.write_text(A)
    (root / "alias.py").unlink()
    os.symlink(outside, root / "alias.py")
    cb.get_function("alias.py::helper").rename("assist")
    with pytest.raises(PathOutsideCodebaseError):
        cb.commit()
    assert outside.read_text() == A


def test_hard_links_mode_and_owner_are_kept(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    cb_root = make_tree(root).root
    backup = tmp_path / "backup-of-a.py"
    os.link(root / "a.py", backup)  # a second name for a.py, outside the tree
    os.chmod(root / "a.py", 0o640)
    os.chmod(root / "b.py", 0o751)
    uid, gid = (65534, 65534) if os.geteuid() == 0 else (os.getuid(), os.getgroups()[-1])
    os.chown(root / "b.py", uid, gid)
    inode = os.stat(root / "a.py").st_ino
    cb = Codebase(cb_root, cache_dir="")

    cb.get_function("helper").rename("assist")
    cb.commit()

    a, b = os.stat(root / "a.py"), os.stat(root / "b.py")
    assert (a.st_ino, a.st_nlink) == (inode, 2)
    assert backup.read_text() == A.replace("helper", "assist")  # both names see the commit
    assert stat.S_IMODE(a.st_mode) == 0o640 and stat.S_IMODE(b.st_mode) == 0o751
    assert (b.st_uid, b.st_gid) == (uid, gid)
    assert (root / "b.py").read_text() == B.replace("helper", "assist")
    assert cb.refresh() == []


def test_two_hard_linked_names_in_the_tree_both_follow_the_commit(tmp_path: Path) -> None:
    make_tree(tmp_path)
    os.link(tmp_path / "a.py", tmp_path / "same_as_a.py")
    cb = Codebase(tmp_path, cache_dir="")
    cb.get_function("a.py::helper").rename("assist")
    cb.commit()
    new = A.replace("helper", "assist")
    assert (tmp_path / "same_as_a.py").read_text() == new
    assert os.stat(tmp_path / "a.py").st_ino == os.stat(tmp_path / "same_as_a.py").st_ino
    assert cb.get_file("same_as_a.py").content == new  # type: ignore[union-attr]
    assert cb.refresh() == []


def test_read_only_files_are_written_only_when_asked(tmp_path: Path) -> None:
    cb = make_tree(tmp_path)
    os.chmod(tmp_path / "a.py", 0o444)
    before = tree_bytes(tmp_path)
    cb.get_function("helper").rename("assist")
    with pytest.raises(ReadOnlyFileError) as err:
        cb.commit()
    assert err.value.paths == ["a.py"]
    assert "overwrite_read_only=True" in str(err.value)
    assert tree_bytes(tmp_path) == before  # b.py was not written either

    cb.commit(overwrite_read_only=True)
    assert (tmp_path / "a.py").read_text() == A.replace("helper", "assist")
    assert (tmp_path / "b.py").read_text() == B.replace("helper", "assist")
    assert stat.S_IMODE(os.stat(tmp_path / "a.py").st_mode) == 0o444


def test_created_files_get_the_usual_mode(tmp_path: Path) -> None:
    cb = make_tree(tmp_path)
    old = os.umask(0o027)
    try:
        cb.create_file("pkg/new.py", "x = 1\n")
        cb.commit()
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "pkg" / "new.py").st_mode) == 0o640
