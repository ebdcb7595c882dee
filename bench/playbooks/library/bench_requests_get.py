# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The least a module that talks to MRS over requests can cost: `make bench`'s baseline (issue #11).

It imports ansible.module_utils.basic and requests, makes one GET and parses the JSON answer, nothing more:
no signing, no planning. A no-op mrs_cluster_nodes task (one GET too) is held to 1.1x of it.
"""

from ansible.module_utils.basic import AnsibleModule

import requests


def main():
    module = AnsibleModule(argument_spec=dict(url=dict(type="str", required=True)), supports_check_mode=True)
    with requests.Session() as session:
        answer = session.get(module.params["url"], timeout=(10, 60))
    module.exit_json(changed=False, status=answer.status_code, keys=sorted(answer.json()))


if __name__ == "__main__":
    main()
