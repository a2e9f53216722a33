"""CSV upload and export: good files read right, every bad file gives a ValueError that names
what is wrong, and a data set written as CSV reads back the same. Each test runs with both of
the upload's readers: pandas, for plain files, and the csv module, which reads every other file
and every file in which pandas finds a fault."""
import io

import numpy as np
import pytest

from playground.data import (HARD_MAX_ROWS, MAX_FEATURES, MAX_ROWS, dataset_to_csv, load_csv,
                             make_dataset)
from playground.data import csv_io, table


@pytest.fixture(autouse=True, params=["pandas", "csv"])
def reader(request, monkeypatch):
    if request.param == "csv":
        monkeypatch.setattr(table, "_read_with_pandas", lambda *args: None)
    return request.param


def load(text, **kwargs):
    return load_csv(io.StringIO(text), **kwargs)


def test_features_and_a_label_column_named_label():
    ds = load("a,label,b\n1,cat,2\n3,dog,4\n5,cat,6\n7,dog,8\n", scale=None, train_fraction=0.5)
    assert ds.feature_names == ("a", "b") and ds.class_names == ("cat", "dog")
    assert ds.task == "classification" and ds.n_classes == 2 and ds.name == "upload"
    rows = {tuple(x): y for x, y in zip(np.concatenate([ds.X_train, ds.X_test]).tolist(),
                                        np.concatenate([ds.y_train, ds.y_test]))}
    assert rows == {(1, 2): 0, (3, 4): 1, (5, 6): 0, (7, 8): 1}


def test_the_last_column_is_the_label_otherwise():
    ds = load("x,y,kind\n0,1,b\n1,0,a\n2,2,c\n", scale=None)
    assert ds.feature_names == ("x", "y") and ds.class_names == ("a", "b", "c")
    assert ds.Y_train.shape[1] == 3


def test_integer_labels_are_classes_sorted_by_value():
    ds = load("x,label\n1,10\n2,-1\n3,2\n4,10\n5,2.0\n6,-1\n", scale=None)
    assert ds.task == "classification" and ds.class_names == ("-1", "2", "10")


def test_fractional_labels_make_regression_and_task_overrides_the_guess():
    ds = load("x,label\n1,0.5\n2,1\n3,-2.25\n", scale=None)
    assert ds.task == "regression" and ds.n_classes == 0 and ds.Y_train.shape[1] == 1
    forced = load("x,label\n1,1\n2,2\n3,3\n4,3\n", task="regression")
    assert forced.task == "regression" and sorted(np.r_[forced.y_train, forced.y_test]) == [1, 2, 3, 3]
    assert load("x,label\n1,0.5\n2,1.5\n", task="classification").class_names == ("0.5", "1.5")


def test_a_file_without_header_names_its_columns():
    ds = load("1,2,0\n3,4,1\n5,6,0\n", scale=None)
    assert ds.feature_names == ("x1", "x2") and ds.class_names == ("0", "1")


@pytest.mark.parametrize("text", ["a;b;label\n1.5;2;x\n3;4;y\n", "a\tb\tlabel\n1.5\t2\tx\n3\t4\ty\n"])
def test_semicolons_or_tabs_separate_values_when_the_header_uses_them(text):
    ds = load(text, scale=None, train_fraction=0.5)
    assert ds.feature_names == ("a", "b") and ds.class_names == ("x", "y")
    assert sorted(np.concatenate([ds.X_train, ds.X_test])[:, 0]) == [1.5, 3]


def test_bytes_path_text_bom_and_windows_1252(tmp_path):
    text = "h,w,label\n1,2,café\n3,4,thé\n5,6,café\n"
    path = tmp_path / "drinks.csv"
    path.write_bytes(text.encode("cp1252"))
    from_path = load_csv(path)
    from_str_path = load_csv(str(path))
    from_bytes = load_csv(io.BytesIO(b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert from_path.name == from_str_path.name == "drinks"
    for ds in (from_path, from_str_path, from_bytes):
        assert ds.class_names == ("café", "thé") and ds.feature_names == ("h", "w")


def test_an_upload_is_named_after_its_file():
    upload = io.BytesIO(b"a,label\n1,x\n2,y\n")
    upload.name = "iris.csv"  # as Streamlit's UploadedFile carries it
    assert load_csv(upload).name == "iris" and load_csv(io.BytesIO(b"a,b\n1,2\n3,4\n"), name="mine").name == "mine"


def test_blank_lines_and_spaces_are_tolerated():
    ds = load("\n a , b ,label\n1, 2,x\n\n3 ,4, y\n\n", scale=None)
    assert ds.feature_names == ("a", "b") and ds.class_names == ("x", "y")


def test_the_split_column_fixes_the_split_and_otherwise_the_seed_does():
    ds = load("x,label,split\n1,0,train\n2,1,Test\n3,0,train\n4,1,train\n", scale=None)
    assert ds.X_train[:, 0].tolist() == [1, 3, 4] and ds.X_test[:, 0].tolist() == [2]
    text = "x,label\n" + "".join(f"{i},{i % 2}\n" for i in range(40))
    one, two, other = load(text, seed=1), load(text, seed=1), load(text, seed=2)
    np.testing.assert_array_equal(one.X_train, two.X_train)
    assert not np.array_equal(one.y_train, other.y_train)
    assert len(load(text, train_fraction=0.8).y_train) == 32


def test_uploads_are_standardized_on_the_training_rows_by_default():
    text = "x,y,label\n" + "".join(f"{i},{i * i},{i % 3}\n" for i in range(30))
    ds = load(text)
    assert ds.scale == "standard"
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(ds.X_train.std(axis=0), 1, atol=1e-5)
    assert load(text, scale="minmax").X_train.max() == 1


def test_two_feature_columns_keep_their_points_for_the_decision_boundary():
    ds = load("u,v,label\n1,2,a\n3,5,b\n-4,0,a\n2,2,b\n")
    np.testing.assert_array_equal(ds.transform(ds.points_train), ds.X_train)
    assert load("u,v,w,label\n1,2,3,a\n3,5,3,b\n").points_train is None


BAD_FILES = {
    "empty": ("", "empty"),
    "blank": ("\n  \n", "empty"),
    "separators only": (",,\n , ,\n", "empty"),
    "header only": ("x1,x2,label\n", "no data rows"),
    "one data row": ("x1,x2,label\n1,2,a\n", "single data row"),
    "prose": ("Dear class,\nplease bring your laptops.\n", "Row 2 has 1 value, but there are 2"),
    "html": ("<html>\n<body>\n<p>Hello, world</p>\n</body>\n</html>\n", "single column"),
    "json": ('{"points": [[1, 2], [3, 4]],\n "labels": [0, 1]}\n', "Row 2 has 2 values"),
    "decimal comma": ("a;b;label\n1,5;2;x\n3;4;y\n", "Row 2, column 'a' holds '1,5'"),
    "ragged, too many": ("a,b,label\n1,2,x\n3,4,5,y\n", "Row 3 has 4 values"),
    "ragged, too few": ("a,b,label\n1,2,x\n3,y\n", "Row 3 has 2 values"),
    "non-numeric feature": ("a,b,label\n1,2,x\n3,four,y\n", "Row 3, column 'b' holds 'four'"),
    "empty feature": ("a,b,label\n1,,x\n3,4,y\n", "Row 2, column 'b' is empty"),
    "nan feature": ("a,b,label\n1,2,x\n3,nan,y\n", "Row 3, column 'b'.*missing"),
    "inf feature": ("a,b,label\n1,2,x\n-inf,4,y\n", "Row 3, column 'a'.*finite"),
    "huge feature": ("a,b,label\n1,2,x\n1e39,4,y\n", "Row 3, column 'a'.*finite"),
    "missing label": ("a,b,label\n1,2,x\n3,4,\n", "Row 3 has no label"),
    "nan label": ("a,label\n1,0.5\n2,nan\n", "Row 3 has the label 'nan'"),
    "huge label": ("a,label\n1,0.5\n2,1e300\n", "Row 3 has the label '1e300'"),
    "single class": ("a,b,label\n1,2,x\n3,4,x\n", "single class"),
    "too many classes": ("a,label\n" + "".join(f"{i},c{i}\n" for i in range(51)), "regression"),
    "no feature column": ("label,split\nx,train\ny,test\n", "no feature columns"),
    "unnamed column": ("a,,label\n1,2,x\n3,4,y\n", "Column 2 has no name"),
    "duplicate column": ("a,A,label\n1,2,x\n3,4,y\n", "Two columns are named 'A'"),
    "bad split": ("a,label,split\n1,x,train\n2,y,validate\n", "Row 3 has 'validate'"),
    "no test rows": ("a,label,split\n1,x,train\n2,y,train\n", "one 'test' row"),
    "text regression": ("a,label\n1,x\n2,y\n", "not a number"),
    "unclosed quote": ('a,label\n1,"x\n2,y\n', "unclosed quote"),
    "binary": ("\x00\x01\x02PK\x03\x04", "binary"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_every_bad_file_names_what_is_wrong(name):
    text, words = BAD_FILES[name]
    task = "regression" if name == "text regression" else None
    with pytest.raises(ValueError, match=words):
        load(text, task=task)


def test_more_rows_than_the_limit():
    text = "x,label\n" + "0,0\n1,1\n" * (MAX_ROWS // 2) + "2,0\n"
    with pytest.raises(ValueError, match="more than 100,000 data rows"):
        load(text)
    with pytest.raises(ValueError, match="more than 5 data rows"):
        load("x,label\n" + "0,0\n1,1\n" * 3, max_rows=5)
    assert len(load("x,label\n" + "0,0\n1,1\n" * 3, max_rows=6).y_test) == 3


def test_more_feature_columns_than_the_limit():
    header = ",".join(f"f{i}" for i in range(MAX_FEATURES + 1)) + ",label\n"
    row = ",".join(["1"] * (MAX_FEATURES + 1))
    with pytest.raises(ValueError, match="101 feature columns; the limit is 100"):
        load(header + row + ",a\n" + row + ",b\n")
    assert load(header + row + ",a\n" + row + ",b\n", max_features=101).n_inputs == 101


def test_limits_cannot_be_raised_past_the_hard_caps():
    with pytest.raises(ValueError, match="1,000,000 rows"):
        load("x,label\n1,0\n2,1\n", max_rows=HARD_MAX_ROWS + 1)
    with pytest.raises(ValueError, match="1,000 feature"):
        load("x,label\n1,0\n2,1\n", max_features=1001)


def test_a_file_larger_than_the_size_limit(monkeypatch):
    monkeypatch.setattr(csv_io, "MAX_MEGABYTES", 1)
    with pytest.raises(ValueError, match="larger than 1 MB"):
        load_csv(io.BytesIO(b"x,label\n" + b"1,0\n" * 300_000))


def test_a_missing_path():
    with pytest.raises(ValueError, match="could not be opened"):
        load_csv("/nonexistent/data.csv")


@pytest.mark.parametrize("seed", range(12))
def test_random_bytes_give_a_value_error_and_nothing_else(seed):
    rng = np.random.default_rng(seed)
    junk = rng.bytes(int(rng.integers(1, 3000)))
    if seed % 3 == 0:  # printable junk passes the binary check and reaches the parser
        junk = bytes(rng.choice(list(b"0123456789,;\t\n\"ab.- e"), size=len(junk)))
    with pytest.raises(ValueError):
        load_csv(io.BytesIO(junk))


@pytest.mark.parametrize("name, kwargs", [
    ("circle", {}),
    ("spiral", {"features": ("x1", "x2", "x1^2", "sin(x2)"), "scale": "standard"}),
    ("blobs", {"n_classes": 5, "noise": 0.2}),
    ("multi-gauss", {"noise": 0.1}),
    ("digits", {}),
])
def test_a_data_set_written_as_csv_reads_back_the_same(name, kwargs):
    ds = make_dataset(name, n_samples=300, **kwargs)
    back = load(dataset_to_csv(ds), scale=None)
    for field in ("X_train", "X_test", "y_train", "y_test", "Y_train", "Y_test"):
        np.testing.assert_array_equal(getattr(back, field), getattr(ds, field))
    for field in ("task", "feature_names", "class_names"):
        assert getattr(back, field) == getattr(ds, field)


def test_an_upload_written_and_read_again_is_the_same():
    text = "w,h,kind\n" + "".join(f"{i / 7},{i % 5},{'ab'[i % 2]}\n" for i in range(40))
    ds = load(text, scale=None, seed=3)
    back = load(dataset_to_csv(ds), scale=None)
    np.testing.assert_array_equal(back.X_test, ds.X_test)
    np.testing.assert_array_equal(back.points_train, ds.points_train)
    assert back.class_names == ("a", "b") and back.feature_names == ("w", "h")
