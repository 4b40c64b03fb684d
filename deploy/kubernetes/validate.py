#!/usr/bin/python3
"""Checks Kubernetes manifests offline against the API's own types: Debian's python3-kubernetes,
whose models are generated from the Kubernetes 1.22 OpenAPI schema.

Every document's apiVersion and kind must be a kind that API group serves; every field must be one
its type has, holding a value of that type (object, list, map, string, integer, boolean); and the
client's own deserialiser must accept it (required fields, enumerations). Fields that Kubernetes
added after 1.22 are accepted only from NEWER, with the version that added them.
Usage: validate.py MANIFEST.yaml...  Prints one line per problem; exit code 1 when there is any.
"""
import re
import sys

import yaml
import kubernetes.client as client

# (model, JSON field) -> the Kubernetes version that added it.
NEWER = {("V1JobSpec", "backoffLimitPerIndex"): "1.28"}

PRIMITIVES = {"str": str, "int": int, "bool": bool, "float": (int, float)}


def api_class(api_version):
    """The client's API class of a group version: v1 -> CoreV1Api, apps/v1 -> AppsV1Api."""
    group, _, version = api_version.rpartition("/")
    group = group.split(".")[0] if group else "core"
    name = "".join(part.capitalize() for part in re.split(r"[-_]", group)) + version.capitalize() + "Api"
    return getattr(client, name, None)


def snake(kind):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower()


def check(value, type_name, path, problems):
    if type_name == "object" or type_name == "datetime":
        return
    if type_name in PRIMITIVES:
        if not isinstance(value, PRIMITIVES[type_name]) or (type_name == "int" and isinstance(value, bool)):
            problems.append(f"{path}: a {type_name} is needed, not {value!r}")
        return
    match = re.fullmatch(r"list\[(.+)\]", type_name)
    if match:
        if not isinstance(value, list):
            problems.append(f"{path}: a list is needed")
            return
        for i, item in enumerate(value):
            check(item, match.group(1), f"{path}[{i}]", problems)
        return
    match = re.fullmatch(r"dict\(str, (.+)\)", type_name)
    if match:
        if not isinstance(value, dict):
            problems.append(f"{path}: a map is needed")
            return
        for key, item in value.items():
            check(item, match.group(1), f"{path}.{key}", problems)
        return
    model = getattr(client, type_name)
    if not isinstance(value, dict):
        problems.append(f"{path}: an object ({type_name}) is needed")
        return
    fields = {json: python for python, json in model.attribute_map.items()}
    for key, item in value.items():
        if key not in fields:
            if (type_name, key) not in NEWER:
                problems.append(f"{path}.{key}: {type_name} has no field '{key}'")
            continue
        check(item, model.openapi_types[fields[key]], f"{path}.{key}", problems)


def validate(path):
    problems = []
    with open(path, encoding="utf-8") as file:
        documents = [d for d in yaml.safe_load_all(file) if d is not None]
    for index, document in enumerate(documents):
        where = f"{path}#{index + 1}"
        api_version, kind = document.get("apiVersion", ""), document.get("kind", "")
        api = api_class(api_version)
        if api is None or not any(hasattr(api, f"{verb}_{snake(kind)}") for verb in ("create_namespaced", "create")):
            problems.append(f"{where}: {api_version} serves no kind '{kind}'")
            continue
        type_name = api_version.rpartition("/")[2].capitalize() + kind
        check(document, type_name, f"{where} {kind}", problems)
        try:
            newer_free = strip_newer(document, type_name)
            client.ApiClient()._ApiClient__deserialize(newer_free, type_name)
        except (ValueError, TypeError) as error:
            problems.append(f"{where} {kind}: {error}")
    return problems


def strip_newer(value, type_name):
    """The document without the NEWER fields, which the 1.22 deserialiser does not know."""
    model = getattr(client, type_name, None)
    if model is None or not isinstance(value, dict):
        match = re.fullmatch(r"list\[(.+)\]", type_name)
        if match and isinstance(value, list):
            return [strip_newer(item, match.group(1)) for item in value]
        return value
    fields = {json: python for python, json in model.attribute_map.items()}
    return {key: strip_newer(item, model.openapi_types[fields[key]]) for key, item in value.items() if key in fields}


if __name__ == "__main__":
    found = [problem for path in sys.argv[1:] for problem in validate(path)]
    for problem in found:
        print(problem)
    if not sys.argv[1:]:
        print("validate.py: name the manifests to check")
    sys.exit(1 if found or not sys.argv[1:] else 0)
