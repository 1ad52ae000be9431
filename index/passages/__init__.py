"""The passage index: narrative passages, their vectors and their words.

``chunk`` (**where a passage is chunked**), ``topics`` (the topic taxonomy), ``embed`` (the
sentence-transformers model), ``vectors`` (FAISS), ``lexical`` (jieba + BM25), ``search``
(hybrid search), ``indexer`` (keeping the index in step with the store), ``duplicates``
(near-duplicate narratives) and ``evaluate`` (retrieval evaluation).
"""
