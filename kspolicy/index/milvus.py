"""The Milvus retrieval backend: BM25 and dense search over the chunks in a Milvus collection.

What lives where: the segment files in the index folder stay complete (SQLite catalogue of
documents, clauses, chunks and facts; character grams; the BM25 vocabulary; the vectors, so
that switching stores or rebuilding a lost collection needs no re-embedding). Milvus holds
one row per live chunk and answers the two searches a question needs (`Retriever.search`).

Rows in Milvus: `key` = "doc_id#version#ordinal" (version = the document's sha256 prefix,
ordinal = position of the chunk within the document), `tokens` = the chunk's BM25 tokens
(the app's jieba with the index's learnt user dictionary, each token written as one hashed
ASCII word, so Milvus's BM25 function counts exactly the tokens the local backend counts),
`sparse` = the BM25 function's output, `vector` = the normalised embedding (IP = cosine).
A result is mapped to the index row through the manifest: a (doc_id, version) that is not
live (a replaced version not yet deleted, or written by a failed build) is skipped, as a
local segment skips a deleted document's rows.

Builds: the first build into a store, and any full rewrite (another model, a repair, another
store), write a new collection named after the build and switch the alias at publish (the
old collection is dropped after the switch); an incremental build upserts the new and changed
documents' chunks into the current collection under their new versions and, after publish,
deletes the removed documents and the replaced versions by filter. A build that fails before
publish leaves the old manifest, whose versions are all still in the collection: it answers on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import bm25
from .local import LocalRetriever
from .retriever import Batch, Candidates
from .segment import SegmentSet

ALIAS = "kspolicy"
VERSION_CHARS = 16
UPSERT_ROWS = 512
MAX_KEY = 512
SLACK = 16  # extra results asked for, in case some belong to versions that are not live
MAX_LIMIT = 16384  # Milvus's largest top k
INDEX_TYPES = ("FLAT", "HNSW", "IVF_FLAT")


class StoreProblem(Exception):
    """A store URI that cannot be used; str(error) is Chinese."""


@dataclass(frozen=True)
class Store:
    """Where chunks and vectors are searched: "local", a Milvus Lite file (absolute path ending
    in .db) or a Milvus server URI (http://host:19530)."""

    uri: str = "local"

    @property
    def local(self) -> bool:
        return self.uri == "local"

    def describe(self) -> str:
        return "本地索引文件" if self.local else f"Milvus（{self.uri}）"

    @property
    def index_type(self) -> str:
        """Vector index of a new collection: exact in Milvus Lite (its only choice), HNSW on a server."""
        return "FLAT" if self.uri.endswith(".db") else "HNSW"


def parse_store(value: str | None, cwd: Path) -> Store:
    """The store a --store value names; a relative .db path is resolved against `cwd`."""
    value = (value or "local").strip()
    if value in ("", "local"):
        return Store()
    if value.startswith(("http://", "https://", "tcp://")):
        return Store(value.rstrip("/"))
    if value.endswith(".db"):
        path = Path(value).expanduser()
        return Store(str((path if path.is_absolute() else cwd / path).resolve()))
    raise StoreProblem(f"无法识别的存储位置“{value}”：应为 local、以 .db 结尾的 Milvus Lite 文件，"
                       "或 http://主机:19530 形式的 Milvus 地址")


def recorded_store(manifest: Mapping | None) -> Store:
    """The store a manifest was built into (older manifests: local)."""
    entry = (manifest or {}).get("store") or {}
    return Store(entry.get("uri", "local")) if isinstance(entry, dict) else Store()


def connect(store: Store):
    """A MilvusClient for the store (Milvus Lite starts its engine on first use, about 1 s)."""
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise StoreProblem("未安装 pymilvus / milvus-lite，无法使用 Milvus 存储：pip install -r requirements.txt") from None
    if not store.uri.startswith(("http://", "https://", "tcp://")):
        Path(store.uri).parent.mkdir(parents=True, exist_ok=True)
    try:
        return MilvusClient(store.uri)
    except Exception as exc:  # pymilvus raises its own exception types for every connection failure
        raise StoreProblem(f"无法连接 Milvus（{store.uri}）：{_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def word(token: str) -> str:
    """One token as a single ASCII word: Milvus's standard analyzer keeps it whole (and would
    split a Chinese token into characters)."""
    return "t" + hashlib.blake2b(token.encode("utf-8"), digest_size=8).hexdigest()


def words(tokens: Iterable[str]) -> str:
    return " ".join(map(word, tokens))


def version_of(sha256: str) -> str:
    return sha256[:VERSION_CHARS]


def key(doc_id: str, version: str, ordinal: int) -> str:
    return f"{doc_id}#{version}#{ordinal}"


def collection_name(build_id: str) -> str:
    return f"{ALIAS}_" + "".join(c if c.isalnum() else "_" for c in build_id)


def create_collection(client, name: str, dim: int, index_type: str = "FLAT") -> None:
    """A collection for one build generation: keys, filter fields, tokens -> BM25, vectors (IP)."""
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False)
    schema.add_field("key", DataType.VARCHAR, max_length=MAX_KEY, is_primary=True)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=MAX_KEY)
    schema.add_field("version", DataType.VARCHAR, max_length=VERSION_CHARS)
    schema.add_field("ordinal", DataType.INT32)
    schema.add_field("tokens", DataType.VARCHAR, max_length=65535, enable_analyzer=True,
                     analyzer_params={"tokenizer": "standard"})
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                 input_field_names=["tokens"], output_field_names=["sparse"]))
    params = client.prepare_index_params()
    params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                     params={"bm25_k1": bm25.K1, "bm25_b": bm25.B})
    extra = {"HNSW": {"M": 16, "efConstruction": 200}, "IVF_FLAT": {"nlist": 1024}}.get(index_type, {})
    params.add_index("vector", index_type=index_type, metric_type="IP", params=extra)
    client.create_collection(name, schema=schema, index_params=params)


def collection_missing(store: Store, manifest: Mapping | None) -> bool:
    """Whether the collection a manifest names is gone from its (Milvus) store."""
    if store.local:
        return False
    name = ((manifest or {}).get("store") or {}).get("collection")
    client = _guard(connect, store)
    try:
        return not name or not _guard(client.has_collection, name)
    finally:
        client.close()


def count(client, collection: str, doc_id: str | None = None) -> int:
    """Rows in the collection (of one document when given)."""
    found = client.query(collection, filter=f"doc_id == {_quote(doc_id)}" if doc_id else "",
                         output_fields=["count(*)"])
    return int(found[0]["count(*)"]) if found else 0


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _in(field: str, values: Iterable[str]) -> str:
    return f"{field} in [" + ", ".join(map(_quote, values)) + "]"


class MilvusWriter:
    """Upserts a build's new chunks (Writer protocol); deletions wait for `BuildTarget.published`."""

    def __init__(self, client, collection: str, dim: int, versions: Mapping[str, str]):
        self.client, self.collection, self.dim = client, collection, dim
        self.versions = versions  # doc_id -> sha256 of the version being written
        self.ordinals: dict[str, int] = {}
        self.rows = 0

    def add(self, batch: Batch) -> None:
        rows = []
        for chunk, tokens, vector in zip(batch.chunks, batch.tokens, np.asarray(batch.vectors, np.float32)):
            ordinal = self.ordinals.get(chunk.doc_id, 0)
            self.ordinals[chunk.doc_id] = ordinal + 1
            version = version_of(self.versions[chunk.doc_id])
            rows.append({"key": key(chunk.doc_id, version, ordinal), "doc_id": chunk.doc_id, "version": version,
                         "ordinal": ordinal, "tokens": words(tokens or (bm25.EMPTY,)), "vector": vector.tolist()})
        for start in range(0, len(rows), UPSERT_ROWS):
            self.client.upsert(self.collection, rows[start:start + UPSERT_ROWS])
        self.rows += len(rows)

    def delete(self, doc_ids: Collection[str]) -> None:
        """Nothing before publish: the old versions serve until the new manifest is in place."""

    def close(self) -> dict:
        self.client.flush(self.collection)
        return {"milvus_chunks": self.rows}


class Both:
    """A Writer feeding the local segment files and Milvus the same batches."""

    def __init__(self, local, remote: MilvusWriter):
        self.local, self.remote, self.dim = local, remote, local.dim

    def add(self, batch: Batch) -> None:
        self.local.add(batch)
        self.remote.add(batch)

    def delete(self, doc_ids: Collection[str]) -> None:
        self.local.delete(doc_ids)
        self.remote.delete(doc_ids)

    def close(self) -> dict:
        self.remote.close()
        return self.local.close()


def tidy(client, collection: str, documents: Mapping[str, dict], touched: Collection[str]) -> None:
    """After an incremental publish: delete the rows of documents no longer in the index, and the
    other versions of the documents this build wrote or removed."""
    live = sorted(documents)
    client.delete(collection, filter=f"not ({_in('doc_id', live)})" if live else "doc_id != \"\"")
    for doc_id in sorted(set(touched) & set(documents)):
        version = version_of(documents[doc_id]["sha256"])
        client.delete(collection, filter=f"doc_id == {_quote(doc_id)} and version != {_quote(version)}")


def switch(client, collection: str, old: str | None) -> None:
    """Point the alias at the new collection (the name operators query), then drop the old one."""
    if ALIAS in client.list_aliases().get("aliases", []):
        client.alter_alias(collection, ALIAS)
    else:
        client.create_alias(collection, ALIAS)
    if old and old != collection and client.has_collection(old):
        client.drop_collection(old)


class MilvusRetriever:
    """`Retriever.search` in Milvus; grams, vocabulary and the catalogue's rows from the local
    segments (`local`), as answer/search.py reads them whatever the store."""

    def __init__(self, local: LocalRetriever, client, collection: str, documents: Mapping[str, dict],
                 index_type: str = "FLAT"):
        self.local, self.client, self.collection = local, client, collection
        self.hnsw = index_type == "HNSW"  # its search list (ef) must be at least the results asked for
        self.opened: SegmentSet = local.opened
        self.versions = {doc_id: version_of(documents[doc_id]["sha256"]) for doc_id in self.opened.documents.ids}
        self.client.load_collection(collection)

    # The local parts of retrieval (answer/search.py): character grams and the BM25 vocabulary.
    def key_rows(self, key_: str, *flag) -> np.ndarray:
        return self.local.key_rows(key_, *flag)

    def key_size(self, key_: str) -> int:
        return self.local.key_size(key_)

    def idf_table(self) -> dict[str, float]:
        return self.local.idf_table()

    def quoted_terms(self) -> set[str]:
        return self.local.quoted_terms()

    def vocabulary(self) -> dict[str, int]:
        return self.local.vocabulary()

    @property
    def avgdl(self) -> float:
        return self.local.avgdl

    def close(self) -> None:
        self.client.close()

    def row(self, doc_id: str, version: str, ordinal: int) -> int | None:
        """The index row of a Milvus row, or None when its version is not live."""
        number = self.opened.documents.number.get(doc_id)
        if number is None or self.versions[doc_id] != version:
            return None
        return int(self.opened.documents.starts[number]) + ordinal

    def keys(self, rows: Sequence[int]) -> list[str]:
        """Milvus keys of index rows."""
        docs = self.opened.documents
        return [key(docs.ids[n], self.versions[docs.ids[n]], int(row) - int(docs.starts[n]))
                for row, n in zip(rows, self.opened.document_numbers(rows))]

    def search(self, tokens: Sequence[str], vector: np.ndarray, k: int,
               allowed: np.ndarray | None = None) -> Candidates:
        where = ""
        if allowed is not None:
            if not len(allowed):
                return Candidates({}, {})
            where = _in("key", self.keys(allowed))
        lexical = self._top("sparse", words(tokens), k, where, bm25_scores=True) if tokens else {}
        dense = self._top("vector", np.asarray(vector, np.float32).tolist(), k, where, bm25_scores=False)
        missing = [r for r in lexical if r not in dense]
        if missing:  # BM25 candidates the dense top k did not reach: their cosines from the stored vectors
            got = self.client.get(self.collection, ids=self.keys(missing), output_fields=["vector"])
            stored = {g["key"]: np.asarray(g["vector"], np.float32) for g in got}
            q = np.asarray(vector, np.float32)
            for row, k_ in zip(missing, self.keys(missing)):
                dense[row] = float(stored[k_] @ q) if k_ in stored else -1.0
        return Candidates(lexical, dense)

    def _params(self, bm25_scores: bool, limit: int) -> dict:
        if bm25_scores:
            return {"metric_type": "BM25"}
        return {"metric_type": "IP", **({"params": {"ef": max(64, limit)}} if self.hnsw else {})}

    def _top(self, field: str, query, k: int, where: str, bm25_scores: bool) -> dict[int, float]:
        """Live index rows of the k best, best first (BM25: positive scores only, Milvus Lite reports
        them negated). Rows of versions that are not live are skipped; when they crowd the results,
        more are asked for."""
        limit = k + SLACK
        while True:
            found = self.client.search(self.collection, data=[query], anns_field=field, limit=limit, filter=where,
                                       output_fields=["doc_id", "version", "ordinal"],
                                       search_params=self._params(bm25_scores, limit))[0]
            out: dict[int, float] = {}
            for hit in found:
                entity = hit.get("entity", hit)
                row = self.row(entity["doc_id"], entity["version"], int(entity["ordinal"]))
                score = abs(float(hit["distance"])) if bm25_scores else float(hit["distance"])
                if row is None or row in out or (bm25_scores and score <= 0):
                    continue
                out[row] = score
                if len(out) >= k:
                    return out
            if len(found) < limit or limit >= MAX_LIMIT:
                return out
            limit = min(limit * 4, MAX_LIMIT)


class MilvusFailed(OSError):
    """Milvus refused a write; raised as an OSError so that a build reports it as a write failure
    (publish.FAILURES) and the previous build serves on."""


def _guard(action, *args, **kwargs):
    try:
        return action(*args, **kwargs)
    except (MilvusFailed, StoreProblem):
        raise
    except Exception as exc:  # pymilvus has many exception types; all mean the write did not happen
        raise MilvusFailed(None, f"Milvus 写入失败：{_first_line(exc)}") from None


class BuildTarget:
    """The collection one build writes into, and what happens to it at publish or on failure."""

    def __init__(self, store: Store, previous_manifest: Mapping | None, incremental: bool, build_id: str, dim: int):
        self.store = store
        self.client = _guard(connect, store)
        old = (previous_manifest or {}).get("store") or {}
        self.old = old.get("collection") if recorded_store(previous_manifest) == store else None
        self.incremental = bool(incremental and self.old and _guard(self.client.has_collection, self.old))
        self.created = not self.incremental
        self.collection = self.old if self.incremental else collection_name(build_id)
        if self.created:
            _guard(create_collection, self.client, self.collection, dim, store.index_type)

    def writer(self, local, documents: Mapping[str, dict]) -> Both:
        versions = {doc_id: entry["sha256"] for doc_id, entry in documents.items()}
        return Both(local, GuardedWriter(self.client, self.collection, local.dim, versions))

    def manifest(self) -> dict:
        return {"uri": self.store.uri, "collection": self.collection}

    def published(self, documents: Mapping[str, dict], touched: Collection[str]) -> str:
        """Finish after the new manifest is in place; returns a note when cleaning up failed (the index
        answers correctly anyway: rows of versions that are not live are skipped)."""
        try:
            if self.incremental:
                tidy(self.client, self.collection, documents, touched)
            else:
                switch(self.client, self.collection, self.old)
        except Exception as exc:
            return f"Milvus 旧数据清理未完成（{_first_line(exc)}），不影响查询，下次构建时再清理"
        finally:
            self.client.close()
        return ""

    def abort(self) -> None:
        """A build that did not publish: drop the collection it created (an incremental build's rows
        are of versions no manifest names, so they are never returned; the next build replaces them)."""
        try:
            if self.created and self.client.has_collection(self.collection):
                self.client.drop_collection(self.collection)
        except Exception:
            pass
        finally:
            self.client.close()


class GuardedWriter(MilvusWriter):
    def add(self, batch: Batch) -> None:
        _guard(super().add, batch)

    def close(self) -> dict:
        return _guard(super().close)


def open_retriever(opened: SegmentSet, manifest: Mapping):
    """The retriever of a build: local, or Milvus as the manifest records."""
    local = LocalRetriever(opened)
    store = recorded_store(manifest)
    if store.local:
        return local
    collection = manifest["store"]["collection"]
    client = connect(store)
    try:
        if not client.has_collection(collection):
            raise StoreProblem(f"Milvus（{store.uri}）中没有索引的集合 {collection}，请运行 python -m kspolicy build 重建")
        return MilvusRetriever(local, client, collection, manifest["documents"], store.index_type)
    except StoreProblem:
        client.close()
        raise
    except Exception as exc:
        client.close()
        raise StoreProblem(f"无法读取 Milvus（{store.uri}）：{_first_line(exc)}") from None
