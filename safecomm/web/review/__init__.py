"""The reviewer's and the city officer's pages: 审核, 辖区总览, 年度对比 and 规则集."""
