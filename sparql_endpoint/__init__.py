"""The SPARQL endpoint and linked-data server (see issue "SPARQL 1.1 endpoint")."""
